namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>The knobs of <see cref="PromQlEngine"/>, with Prometheus's defaults.</summary>
public sealed class PromQlEngineOptions
{
    /// <summary>Prometheus's <c>--query.lookback-delta</c> default.</summary>
    public static readonly TimeSpan DefaultLookbackDelta = TimeSpan.FromMinutes(5);

    /// <summary>Prometheus's <c>--query.max-samples</c> default.</summary>
    public const int DefaultMaxSamples = 50_000_000;

    /// <summary>Prometheus's <c>--query.timeout</c> default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Prometheus's limit of points per series in a range query.</summary>
    public const int MaxPointsPerSeries = 11_000;

    /// <summary>How far back an instant selector looks for a series' latest sample.</summary>
    public TimeSpan LookbackDelta { get; init; } = DefaultLookbackDelta;

    /// <summary>The most samples one evaluation step may hold (selected points and intermediate results).</summary>
    public int MaxSamples { get; init; } = DefaultMaxSamples;

    /// <summary>How long a query may run, reading included.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
