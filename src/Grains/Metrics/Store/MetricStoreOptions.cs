namespace Pipeline.Grains.Metrics.Store;

/// <summary>How long the embedded metric store keeps samples, how much memory it may hold and how it cuts chunks.</summary>
public sealed class MetricStoreOptions
{
    /// <summary>Default <see cref="Retention"/>: the recent window the issue asks for; longer history belongs in a remote_write store.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(6);

    /// <summary>
    /// Default <see cref="MemoryLimitBytes"/>: 512 MiB. At about 1.7 bytes per sample plus about 1.7 KiB per
    /// series of index, head buffer and chunk objects, 10,000 series scraped every 15 s for 6 hours take about
    /// 40 MiB (docs/BENCHMARKS.md), so this holds them many times over; it is a guard against cardinality
    /// explosions, not a sizing target.
    /// </summary>
    public const long DefaultMemoryLimitBytes = 512L * 1024 * 1024;

    /// <summary>Default <see cref="ChunkSamples"/>: Prometheus's 120, where compression stops improving much.</summary>
    public const int DefaultChunkSamples = 120;

    /// <summary>Default <see cref="ChunkMaxSpan"/>: a slow series (1 m or slower) still closes chunks, so retention and eviction can free them.</summary>
    public static readonly TimeSpan DefaultChunkMaxSpan = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether the silo keeps the store (<c>storage.enabled</c>, default true): off, samples only leave by
    /// remote_write (as Prometheus's agent mode) and the query API finds nothing.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Samples older than now minus this are dropped (whole chunks at a time) and never accepted.</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <summary>
    /// When the store's memory (encoded chunks, head buffers and an estimate of the index) passes this, the
    /// oldest closed chunks of all series are evicted until it is 10 % under.
    /// </summary>
    public long MemoryLimitBytes { get; set; } = DefaultMemoryLimitBytes;

    /// <summary>A head chunk closes when it holds this many samples (2 to 65,535).</summary>
    public int ChunkSamples { get; set; } = DefaultChunkSamples;

    /// <summary>A head chunk closes when a sample comes this long after its first.</summary>
    public TimeSpan ChunkMaxSpan { get; set; } = DefaultChunkMaxSpan;
}
