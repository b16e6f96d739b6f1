namespace Pipeline.Contracts.Metrics;

/// <summary>
/// What a discovery grain hands a target grain: the job, and the target's labels as discovered
/// (its group's labels merged in). The target grain rebuilds the target from these with the job's
/// relabel rules on its own silo (every silo reads the same pipeline file), so the spec stays small
/// and the grain's key (<c>job/hash</c>) can be checked against what it builds.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScrapeTargetSpec")]
public sealed record ScrapeTargetSpec
{
    [Id(0)] public required string Job { get; init; }

    /// <summary>Discovered labels (<c>__address__</c>, <c>__meta_*</c>, group labels) in name order.</summary>
    [Id(1)] public required KeyValuePair<string, string>[] DiscoveredLabels { get; init; }
}
