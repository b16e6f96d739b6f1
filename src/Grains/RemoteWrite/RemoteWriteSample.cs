namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One sample for the remote write queue and the other sample sinks: its series, a time in
/// milliseconds since the Unix epoch and a value.
/// </summary>
/// <remarks>
/// A value type, so queueing a sample allocates nothing. Producers hand the same
/// <see cref="Series"/> object for every sample of a series (a scrape cache does): sinks never
/// change it, may key caches on its reference, and consecutive samples sharing it travel as one
/// time series.
/// </remarks>
public readonly record struct RemoteWriteSample(RemoteWriteSeries Series, long TimestampMs, double Value)
{
    /// <summary>A sample of a series given by its labels (sorted by name, <c>__name__</c> included), encoded anew: for producers of few samples and for tests.</summary>
    public RemoteWriteSample(RemoteWriteLabel[] labels, long timestampMs, double value)
        : this(RemoteWriteSeries.From(labels), timestampMs, value)
    {
    }
}
