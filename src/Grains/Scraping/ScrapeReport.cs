namespace Pipeline.Grains.Scraping;

/// <summary>What one scrape did: the values of its synthetic series, and why it failed when it did.</summary>
/// <param name="Start">When the scrape began; its samples without timestamps carry this time.</param>
/// <param name="Duration">From the request to the end of parsing (<c>scrape_duration_seconds</c>).</param>
/// <param name="Error">Why the scrape failed (<c>up</c> 0), or null.</param>
/// <param name="SamplesScraped"><c>scrape_samples_scraped</c>.</param>
/// <param name="SamplesPostMetricRelabeling"><c>scrape_samples_post_metric_relabeling</c>.</param>
/// <param name="SeriesAdded"><c>scrape_series_added</c>: series not in the previous successful scrape.</param>
public readonly record struct ScrapeReport(
    DateTimeOffset Start,
    TimeSpan Duration,
    string? Error,
    int SamplesScraped,
    int SamplesPostMetricRelabeling,
    int SeriesAdded)
{
    public bool Up => Error is null;
}
