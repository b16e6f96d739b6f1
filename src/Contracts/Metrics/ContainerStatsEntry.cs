namespace Pipeline.Contracts.Metrics;

/// <summary>One row of the docker stats table: a container of a node, its CPU % over the last interval, memory and I/O.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ContainerStatsEntry")]
public sealed record ContainerStatsEntry
{
    [Id(0)] public required string Node { get; init; }

    /// <summary>The runtime's full container id.</summary>
    [Id(1)] public required string ContainerId { get; init; }

    [Id(2)] public string Namespace { get; init; } = "";

    [Id(3)] public string Pod { get; init; } = "";

    [Id(4)] public string Container { get; init; } = "";

    [Id(5)] public string Image { get; init; } = "";

    /// <summary>Null until the container was seen in two collections.</summary>
    [Id(6)] public double? CpuPercent { get; init; }

    [Id(7)] public long? MemoryUsageBytes { get; init; }

    [Id(8)] public long? MemoryLimitBytes { get; init; }

    [Id(9)] public double? MemoryPercent { get; init; }

    [Id(10)] public long NetworkReceiveBytes { get; init; }

    [Id(11)] public long NetworkTransmitBytes { get; init; }

    [Id(12)] public long BlockReadBytes { get; init; }

    [Id(13)] public long BlockWriteBytes { get; init; }
}
