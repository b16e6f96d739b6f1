namespace Pipeline.Contracts.Logs;

/// <summary>One stored record: its id, its time (for merging answers) and the document as JSON in the fluent-bit shape.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.LogSearchHit")]
public sealed record LogSearchHit
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required long TimeUnixNanos { get; init; }
    [Id(2)] public required string Document { get; init; }
}
