using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// The Prometheus part of the pipeline file: <c>global</c>, <c>scrape_configs</c> and
/// <c>remote_write</c> at the file's root, written as in <c>prometheus.yml</c> so they can be pasted.
/// </summary>
public sealed class MetricsConfig
{
    public GlobalScrapeConfig Global { get; init; } = new();

    public IReadOnlyList<ScrapeJobConfig> ScrapeJobs { get; init; } = [];

    public IReadOnlyList<RemoteWriteOptions> RemoteWrite { get; init; } = [];
}
