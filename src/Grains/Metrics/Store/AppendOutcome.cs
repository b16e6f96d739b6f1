namespace Pipeline.Grains.Metrics.Store;

/// <summary>What happened to one sample appended to a series.</summary>
internal enum AppendOutcome
{
    Appended,

    /// <summary>Same time and same value (bit for bit) as the last sample: ignored, as Prometheus does.</summary>
    DuplicateIgnored,

    OutOfOrder,

    DuplicateTimestamp,
}
