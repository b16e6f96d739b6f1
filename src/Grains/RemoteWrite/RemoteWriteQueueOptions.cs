namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// The <c>queue_config</c> of a <c>remote_write</c> entry, with Prometheus's defaults. Capacity is
/// per shard; a sample that finds its shard full is dropped and counted, never waited for.
/// </summary>
public sealed class RemoteWriteQueueOptions
{
    public const int DefaultCapacity = 10_000;
    public const int DefaultMaxShards = 50;
    public const int DefaultMinShards = 1;
    public const int DefaultMaxSamplesPerSend = 2_000;
    public static readonly TimeSpan DefaultBatchSendDeadline = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultMinBackoff = TimeSpan.FromMilliseconds(30);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Samples each shard holds before new ones are dropped (<c>capacity</c>).</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>
    /// Shards, i.e. concurrent senders (<c>max_shards</c>). The queue runs exactly this many:
    /// it does not reshard by measured throughput as Prometheus does.
    /// </summary>
    public int MaxShards { get; init; } = DefaultMaxShards;

    /// <summary>Read and checked (<c>min_shards</c> ≤ <c>max_shards</c>); kept for resharding, which is not built yet.</summary>
    public int MinShards { get; init; } = DefaultMinShards;

    /// <summary>Samples in one request at most (<c>max_samples_per_send</c>).</summary>
    public int MaxSamplesPerSend { get; init; } = DefaultMaxSamplesPerSend;

    /// <summary>How long a shard waits to fill a request before it sends what it has (<c>batch_send_deadline</c>).</summary>
    public TimeSpan BatchSendDeadline { get; init; } = DefaultBatchSendDeadline;

    /// <summary>First retry delay, doubled on each retry (<c>min_backoff</c>).</summary>
    public TimeSpan MinBackoff { get; init; } = DefaultMinBackoff;

    /// <summary>Largest retry delay (<c>max_backoff</c>); a server's <c>Retry-After</c> wins over it.</summary>
    public TimeSpan MaxBackoff { get; init; } = DefaultMaxBackoff;

    /// <summary>Whether 429 Too Many Requests is retried (<c>retry_on_http_429</c>); otherwise the samples are dropped.</summary>
    public bool RetryOnHttp429 { get; init; }

    /// <summary>Samples older than this when (re)sent are dropped (<c>sample_age_limit</c>); zero keeps every sample.</summary>
    public TimeSpan SampleAgeLimit { get; init; } = TimeSpan.Zero;
}
