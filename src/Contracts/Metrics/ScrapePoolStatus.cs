namespace Pipeline.Contracts.Metrics;

/// <summary>The targets of one scrape job (a scrape pool): active ones with their state, and the dropped ones.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScrapePoolStatus")]
public sealed record ScrapePoolStatus
{
    [Id(0)] public required string Job { get; init; }

    [Id(1)] public IReadOnlyList<ScrapeTargetStatus> Active { get; init; } = [];

    /// <summary>Targets relabeling dropped (or that had no usable address), all of them.</summary>
    [Id(2)] public int DroppedCount { get; init; }

    /// <summary>The discovered labels of dropped targets, at most <c>keep_dropped_targets</c> of them when that is set.</summary>
    [Id(3)] public IReadOnlyList<KeyValuePair<string, string>[]> Dropped { get; init; } = [];

    /// <summary>Why discovery is not working, when it is not (a refused watch, an unreadable file).</summary>
    [Id(4)] public IReadOnlyList<string> DiscoveryErrors { get; init; } = [];
}
