namespace Pipeline.Contracts.Metrics;

/// <summary>
/// Scrapes one target (keyed by <c>job/label-hash</c>) at its offset within the scrape interval,
/// for as long as its discovery grain keeps it; one activation in the cluster, so one scraper.
/// </summary>
[Alias("pipeline.ITargetGrain")]
public interface ITargetGrain : IGrainWithStringKey
{
    /// <summary>Scrapes the target from now on (idempotent: calling it again only keeps it alive).</summary>
    [Alias("Run")]
    Task Run(ScrapeTargetSpec spec);

    /// <summary>The target went away: writes staleness markers for its series, stops and deactivates.</summary>
    [Alias("Stop")]
    Task Stop();

    [Alias("GetStatus")]
    Task<ScrapeTargetStatus?> GetStatus();
}
