namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// What one remote write queue did since it started; every sample handed to it ends up in
/// exactly one of sent, dropped (by reason) or pending.
/// </summary>
public sealed record RemoteWriteCounters
{
    /// <summary>Samples accepted into a shard's queue.</summary>
    public long SamplesEnqueued { get; init; }

    /// <summary>Samples the receiver accepted (2xx).</summary>
    public long SamplesSent { get; init; }

    /// <summary>Samples refused because their shard's queue was at <c>capacity</c>.</summary>
    public long SamplesDroppedQueueFull { get; init; }

    /// <summary>Samples the receiver refused for good (4xx other than a retried 429).</summary>
    public long SamplesDroppedRejected { get; init; }

    /// <summary>Samples older than <c>sample_age_limit</c> when (re)sent.</summary>
    public long SamplesDroppedTooOld { get; init; }

    /// <summary>Samples not sent before the flush deadline of a stop, or offered after the stop began.</summary>
    public long SamplesDroppedShutdown { get; init; }

    /// <summary>Samples of series that <c>write_relabel_configs</c> dropped: never queued.</summary>
    public long SamplesDroppedByRelabeling { get; init; }

    /// <summary>Samples sent again after a 5xx, a retried 429, a timeout or a network error (counted once per retry).</summary>
    public long SamplesRetried { get; init; }

    /// <summary>HTTP requests made, retries included.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that did not succeed (any non-2xx answer, timeout or network error).</summary>
    public long FailedRequests { get; init; }

    /// <summary>Compressed request bytes the receiver accepted.</summary>
    public long BytesSent { get; init; }

    /// <summary>Status code of the last refused request (0 when none).</summary>
    public int LastRejectedStatus { get; init; }

    public long SamplesDropped => SamplesDroppedQueueFull + SamplesDroppedRejected + SamplesDroppedTooOld + SamplesDroppedShutdown + SamplesDroppedByRelabeling;
}
