namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// What the store did since it started: samples stored, refused by reason, and samples dropped by reason
/// (retention or the memory limit). Totals only grow; a snapshot, so its fields agree with each other
/// only when no append runs meanwhile.
/// </summary>
public sealed record MetricStoreCounters(
    long SamplesAppended,
    long DuplicatesIgnored,
    long RejectedOutOfOrder,
    long RejectedDuplicateTimestamp,
    long RejectedTooOld,
    long ChunksDroppedByRetention,
    long SamplesDroppedByRetention,
    long ChunksEvictedByMemoryLimit,
    long SamplesEvictedByMemoryLimit,
    long SeriesCreated,
    long SeriesRemoved)
{
    /// <summary>The samples refused for <paramref name="reason"/>.</summary>
    public long Rejected(SampleRejectReason reason) => reason switch
    {
        SampleRejectReason.OutOfOrder => RejectedOutOfOrder,
        SampleRejectReason.DuplicateTimestamp => RejectedDuplicateTimestamp,
        _ => RejectedTooOld,
    };
}
