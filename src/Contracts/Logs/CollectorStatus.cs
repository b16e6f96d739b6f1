namespace Pipeline.Contracts.Logs;

/// <summary>A node collector's view of itself, for the API and for tests.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.CollectorStatus")]
public sealed record CollectorStatus
{
    [Id(0)] public required string Node { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public int FilesFollowed { get; init; }
    [Id(3)] public long RecordsRead { get; init; }
    [Id(4)] public long RecordsAcknowledged { get; init; }
    [Id(5)] public long BufferedBytes { get; init; }
    [Id(6)] public bool Paused { get; init; }

    /// <summary>True when every followed file is read to its end and every record acknowledged.</summary>
    [Id(7)] public bool Drained { get; init; }

    /// <summary>Why the collector is idle, when it is (for example: placed on a silo of another node).</summary>
    [Id(8)] public string? Error { get; init; }
}
