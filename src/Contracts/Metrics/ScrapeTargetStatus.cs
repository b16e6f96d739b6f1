namespace Pipeline.Contracts.Metrics;

/// <summary>One active target as <c>/api/v1/targets</c> shows it.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScrapeTargetStatus")]
public sealed record ScrapeTargetStatus
{
    [Id(0)] public required string ScrapePool { get; init; }

    [Id(1)] public required string ScrapeUrl { get; init; }

    /// <summary>The labels every series of the target gets (after relabeling, no <c>__</c> labels).</summary>
    [Id(2)] public required KeyValuePair<string, string>[] Labels { get; init; }

    [Id(3)] public required KeyValuePair<string, string>[] DiscoveredLabels { get; init; }

    /// <summary><c>up</c>, <c>down</c> or <c>unknown</c> (not scraped yet).</summary>
    [Id(4)] public required string Health { get; init; }

    [Id(5)] public string LastError { get; init; } = "";

    /// <summary>Start of the last scrape; null before the first.</summary>
    [Id(6)] public DateTimeOffset? LastScrape { get; init; }

    [Id(7)] public double LastScrapeDurationSeconds { get; init; }

    [Id(8)] public TimeSpan ScrapeInterval { get; init; }

    [Id(9)] public TimeSpan ScrapeTimeout { get; init; }

    /// <summary>The silo the target grain runs on.</summary>
    [Id(10)] public string Silo { get; init; } = "";

    /// <summary>Scrapes done since the grain was activated.</summary>
    [Id(11)] public long Scrapes { get; init; }

    /// <summary>Samples the last scrape produced after metric relabeling.</summary>
    [Id(12)] public int LastSamples { get; init; }
}
