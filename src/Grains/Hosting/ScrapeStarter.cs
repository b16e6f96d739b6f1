using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Keeps one discovery grain per scrape job running: every silo asks each job's grain to start once
/// the silo is active and again now and then, so a grain lost with its silo comes back elsewhere.
/// </summary>
internal sealed partial class ScrapeStarter(
    PipelineConfig config,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ScrapeStarter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ScrapeStarter), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellation)
    {
        if (config.Metrics.ScrapeJobs.Count > 0)
        {
            _loop = KeepRunningAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellation)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task KeepRunningAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
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

            try
            {
                await Task.Delay(CheckInterval, time, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Discovery of scrape job {Job} could not be started; trying again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string job);
}
