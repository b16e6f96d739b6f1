using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Scrapes one target, as Prometheus's scrape loop does for one scrape: GET with Prometheus's
/// Accept header, gzip, the job's credentials and <c>scrape_timeout</c>; parses the body as it
/// streams (text 0.0.4 or OpenMetrics, the job's limits), applies <c>honor_labels</c>,
/// <c>honor_timestamps</c> and <c>metric_relabel_configs</c>, and on success hands every sample,
/// the synthetic series (<c>up</c>, <c>scrape_duration_seconds</c>, …) and staleness markers for
/// series that disappeared to the sink. A failed scrape hands only the synthetic series (<c>up</c> 0)
/// and staleness markers for every series of the last good scrape. Not thread-safe: one scrape at a time.
/// </summary>
public sealed class TargetScraper : IDisposable
{
    /// <param name="job">The target's job.</param>
    /// <param name="target">The target (built from the job's relabel rules).</param>
    /// <param name="http">Shared per job (pooled connections); not disposed by the scraper.</param>
    /// <param name="sink">Where samples go.</param>
    /// <param name="time">Clock for scrape timestamps and durations.</param>
    public TargetScraper(ScrapeJobConfig job, ScrapeTarget target, HttpMessageInvoker http, IScrapeSampleSink sink, TimeProvider time)
    {
        Job = job;
        Target = target;
        throw new NotImplementedException();
    }

    public ScrapeJobConfig Job { get; }

    public ScrapeTarget Target { get; }

    /// <summary>Scrapes once now. Never throws for a target's fault: the report carries the error.</summary>
    public Task<ScrapeReport> ScrapeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The target went away: staleness markers (at <paramref name="timestampMs"/>) for every series of the last scrape and the synthetic series.</summary>
    public void MarkStale(long timestampMs) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
