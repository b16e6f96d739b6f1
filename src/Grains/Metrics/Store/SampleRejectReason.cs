namespace Pipeline.Grains.Metrics.Store;

/// <summary>Why <see cref="MetricStore"/> did not store a sample (Prometheus's rules).</summary>
public enum SampleRejectReason
{
    /// <summary>Older than the series' last sample.</summary>
    OutOfOrder,

    /// <summary>Same time as the series' last sample but another value.</summary>
    DuplicateTimestamp,

    /// <summary>Older than now minus the retention window: it would be deleted at once.</summary>
    TooOld,
}
