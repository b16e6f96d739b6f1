namespace Pipeline.Contracts.Logs;

/// <summary>A KQL query over a time range; times are Unix nanoseconds, inclusive.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.LogSearchRequest")]
public sealed record LogSearchRequest
{
    [Id(0)] public required string Query { get; init; }
    [Id(1)] public long FromUnixNanos { get; init; } = long.MinValue;
    [Id(2)] public long ToUnixNanos { get; init; } = long.MaxValue;
    [Id(3)] public int Limit { get; init; } = 100;

    /// <summary>When set, only this tenant's records are searched, whatever the query says (a tenant token's search).</summary>
    [Id(4)] public string? Tenant { get; init; }
}
