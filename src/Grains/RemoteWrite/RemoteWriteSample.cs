namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One sample for the remote write queue: the series' labels (sorted by name, names unique,
/// <c>__name__</c> included), a time in milliseconds since the Unix epoch and a value.
/// </summary>
/// <remarks>
/// A value type, so queueing a sample allocates nothing. Producers should hand the same
/// <see cref="Labels"/> array for every sample of a series (a scrape cache does): the queue
/// never copies or changes it, and consecutive samples sharing it travel as one time series.
/// </remarks>
public readonly record struct RemoteWriteSample(RemoteWriteLabel[] Labels, long TimestampMs, double Value);
