namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>throttle</c> filter: at most <see cref="RecordsPerSecond"/> records and/or
/// <see cref="BytesPerSecond"/> bytes of message per second for each tenant, with bursts of up to
/// <see cref="Window"/> worth of that rate. The limits are for the whole tenant: each of its
/// <c>shards_per_tenant</c> aggregator shards enforces its share (the limit divided by the shard
/// count), which is exact when a tenant's files spread evenly over its shards and stricter otherwise.
/// </summary>
public sealed class ThrottleFilterOptions : LogFilterOptions
{
    public const string TypeName = "throttle";
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(5);

    public override string Type => TypeName;

    /// <summary>Records per second (fluent-bit <c>rate</c> per <c>interval</c>); null for no record limit.</summary>
    public double? RecordsPerSecond { get; init; }

    /// <summary>Bytes of <c>log</c> per second; null for no byte limit.</summary>
    public double? BytesPerSecond { get; init; }

    /// <summary>How much unused rate a tenant may save up for a burst (fluent-bit's <c>window</c> × <c>interval</c>).</summary>
    public TimeSpan Window { get; init; } = DefaultWindow;
}
