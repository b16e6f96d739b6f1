namespace Pipeline.Contracts.Metrics;

/// <summary>The docker stats table of the node one silo runs on, from its last two collections.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.NodeContainerStats")]
public sealed record NodeContainerStats
{
    [Id(0)] public required string Node { get; init; }

    [Id(1)] public required string Silo { get; init; }

    /// <summary>False when <c>containers.enabled</c> is off on that silo, or it finds no cgroups to read (its rows are then empty; <see cref="Reason"/> says why).</summary>
    [Id(2)] public bool Collecting { get; init; }

    /// <summary>The cgroup version found (<c>v1</c>, <c>v2</c>) or <c>none</c>.</summary>
    [Id(3)] public string CgroupVersion { get; init; } = "none";

    /// <summary>When the latest collection ran, in milliseconds since the Unix epoch; 0 before the first.</summary>
    [Id(4)] public long TimeUnixMs { get; init; }

    [Id(5)] public IReadOnlyList<ContainerStatsEntry> Rows { get; init; } = [];

    /// <summary>Why the node is not collecting, and what to do about it; null while it collects.</summary>
    [Id(6)] public string? Reason { get; init; }
}
