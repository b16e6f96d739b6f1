using Pipeline.Grains.Processing.Filters;

namespace Pipeline.Grains.Configuration;

/// <summary>The <c>logs:</c> section: inputs, filters, outputs and how batches travel between them.</summary>
public sealed class LogsConfig
{
    public const int DefaultShardsPerTenant = 2;
    public const long DefaultBatchBytes = 512 * 1024;
    public const int DefaultMaxInFlightBatches = 4;
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default per-tenant buffer: a quarter of the input's limit, so one flooding tenant cannot pause the others.</summary>
    public const int DefaultTenantBufferShare = 4;

    public List<TailInputConfig> Inputs { get; init; } = [];
    public List<LogOutputConfig> Outputs { get; init; } = [];

    /// <summary>The aggregators' filters (<c>logs.filters</c> but <c>multiline</c>), in the order they run.</summary>
    public List<LogFilterOptions> Filters { get; init; } = [];

    /// <summary>The <c>multiline</c> entries of <c>logs.filters</c>: lines collectors join into records.</summary>
    public List<MultilineConfig> Multiline { get; init; } = [];

    /// <summary>Named parsers (<c>logs.parsers</c>) for parser filters, besides the built-in ones.</summary>
    public List<ParserDefinition> Parsers { get; init; } = [];

    /// <summary>Aggregator shards per tenant; a file always goes to the same shard so its records stay in order.</summary>
    public int ShardsPerTenant { get; init; } = DefaultShardsPerTenant;

    /// <summary>A batch is sent when it holds this many bytes (or at the flush interval).</summary>
    public long BatchBytes { get; init; } = DefaultBatchBytes;

    /// <summary>Longest a record waits in a collector before its batch is sent (fluent-bit's <c>Flush</c>).</summary>
    public TimeSpan FlushInterval { get; init; } = DefaultFlushInterval;

    /// <summary>Batches a collector has sent and not yet seen acknowledged, at most.</summary>
    public int MaxInFlightBatches { get; init; } = DefaultMaxInFlightBatches;

    /// <summary>Per-tenant buffer limit for tenants that set none; null: the input's <c>mem_buf_limit</c> / <see cref="DefaultTenantBufferShare"/>.</summary>
    public long? TenantMemBufLimit { get; init; }

    /// <summary>Pod metadata from the Kubernetes API (<c>logs.kubernetes</c>); off by default.</summary>
    public KubernetesLogsConfig Kubernetes { get; init; } = new();
}
