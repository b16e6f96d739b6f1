namespace Pipeline.Grains.Scraping;

/// <summary>The <c>global</c> section of a Prometheus file: defaults for every scrape job, and the external labels.</summary>
public sealed class GlobalScrapeConfig
{
    public TimeSpan ScrapeInterval { get; init; } = Relabeling.ScrapeJobDefaults.DefaultScrapeInterval;

    public TimeSpan ScrapeTimeout { get; init; } = Relabeling.ScrapeJobDefaults.DefaultScrapeTimeout;

    /// <summary><c>external_labels</c>: added to every sample sent by remote_write (a series' own label wins).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExternalLabels { get; init; } = [];
}
