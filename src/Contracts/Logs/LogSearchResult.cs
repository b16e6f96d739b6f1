namespace Pipeline.Contracts.Logs;

/// <summary>Exact count of matches and the newest <c>limit</c> of them.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.LogSearchResult")]
public sealed record LogSearchResult
{
    [Id(0)] public required long Total { get; init; }
    [Id(1)] public required IReadOnlyList<LogSearchHit> Hits { get; init; }
}
