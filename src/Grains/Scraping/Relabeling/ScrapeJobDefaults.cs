namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// What a scrape job gives every target before relabeling (Prometheus's <c>scrape_config</c> fields that
/// become <c>job</c>, <c>__scheme__</c>, <c>__metrics_path__</c>, <c>__param_*</c>, <c>__scrape_interval__</c>
/// and <c>__scrape_timeout__</c>), and its <c>relabel_configs</c>.
/// </summary>
public sealed record ScrapeJobDefaults
{
    public const string DefaultScheme = "http";
    public const string DefaultMetricsPath = "/metrics";

    /// <summary>Prometheus's global default <c>scrape_interval</c>.</summary>
    public static readonly TimeSpan DefaultScrapeInterval = TimeSpan.FromMinutes(1);

    /// <summary>Prometheus's global default <c>scrape_timeout</c>.</summary>
    public static readonly TimeSpan DefaultScrapeTimeout = TimeSpan.FromSeconds(10);

    public required string JobName { get; init; }

    public string Scheme { get; init; } = DefaultScheme;

    public string MetricsPath { get; init; } = DefaultMetricsPath;

    /// <summary>URL parameters (<c>params:</c>); the first value of each is also <c>__param_&lt;name&gt;</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public TimeSpan ScrapeInterval { get; init; } = DefaultScrapeInterval;

    public TimeSpan ScrapeTimeout { get; init; } = DefaultScrapeTimeout;

    public IReadOnlyList<RelabelRule> RelabelRules { get; init; } = [];

    /// <summary>
    /// Prometheus 2 appended <c>:80</c> / <c>:443</c> (by scheme) to an address without a port; Prometheus 3
    /// does not (the default, false): the address stays as discovered and the URL uses the scheme's port.
    /// </summary>
    public bool AddDefaultPort { get; init; }
}
