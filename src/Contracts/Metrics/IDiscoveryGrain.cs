namespace Pipeline.Contracts.Metrics;

/// <summary>
/// Service discovery for one scrape job (keyed by <c>job_name</c>): runs the job's discoverers,
/// relabels what they find into targets, and keeps one <see cref="ITargetGrain"/> running per target,
/// spread evenly over the silos.
/// </summary>
[Alias("pipeline.IDiscoveryGrain")]
public interface IDiscoveryGrain : IGrainWithStringKey
{
    /// <summary>Starts discovery if it is not running (every silo calls it periodically, so a lost activation comes back).</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>The job's targets with the state of each.</summary>
    [Alias("GetTargets")]
    Task<ScrapePoolStatus> GetTargets();
}
