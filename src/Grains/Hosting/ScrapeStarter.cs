using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Keeps one discovery grain per scrape job running: every silo asks each job's grain to start once
/// the silo is active and again every 10 s, so a grain lost with its silo comes back elsewhere.
/// </summary>
internal sealed partial class ScrapeStarter(
    PipelineConfig config,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ScrapeStarter> logger) : PeriodicSiloTask(time)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(10);

    protected override bool Enabled => config.Metrics.ScrapeJobs.Count > 0;

    protected override async Task RunOnceAsync(CancellationToken cancellation)
    {
        foreach (var job in config.Metrics.ScrapeJobs)
        {
            try
            {
                await grains.GetGrain<IDiscoveryGrain>(job.JobName).Start();
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                LogStartFailed(logger, e, job.JobName);
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Discovery of scrape job {Job} could not be started; trying again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string job);
}
