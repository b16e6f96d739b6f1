namespace Pipeline.Grains.Scraping.Targets;

/// <summary>What a scrape request says about itself.</summary>
public static class TargetScraperConstants
{
    /// <summary>Prometheus sends the scrape timeout so a target can answer in time.</summary>
    public const string TimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    /// <summary>The User-Agent of scrapes: <c>Pipeline/&lt;version&gt;</c>.</summary>
    public static readonly string UserAgent = $"Pipeline/{typeof(TargetScraperConstants).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}";
}
