namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>A target that survived relabeling: where to scrape it, how often, and the labels its series get.</summary>
public sealed class ScrapeTarget
{
    public required string Url { get; init; }

    public required string Scheme { get; init; }

    public required string Address { get; init; }

    public required string MetricsPath { get; init; }

    /// <summary>URL parameters in the order they appear in <see cref="Url"/> (by name).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Params { get; init; }

    public required TimeSpan ScrapeInterval { get; init; }

    public required TimeSpan ScrapeTimeout { get; init; }

    /// <summary>The labels after relabeling and post-processing, <c>__</c> labels included (<c>__meta_*</c> excluded).</summary>
    public required LabelSet TargetLabels { get; init; }

    /// <summary>The labels every scraped series gets: <see cref="TargetLabels"/> without the <c>__</c> ones.</summary>
    public required LabelSet Labels { get; init; }

    /// <summary>The labels as discovered, with the job's defaults, before relabeling.</summary>
    public required LabelSet DiscoveredLabels { get; init; }

    /// <summary>
    /// The target's identity: <see cref="LabelSet.StableHash"/> of <see cref="TargetLabels"/>, which carry the
    /// address, scheme, path, parameters, interval and job, so two targets with one key scrape the same URL
    /// into the same series. Stable across processes: it keys the target's grain.
    /// </summary>
    public ulong Key => TargetLabels.StableHash;

    public override string ToString() => $"{Url} {Labels}";
}
