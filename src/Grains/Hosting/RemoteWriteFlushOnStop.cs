using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Scraping.Pool;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Sends what the <c>remote_write</c> queues still hold when the silo stops, once its grains (scrapers, the node
/// collector) are deactivated and nothing more is queued, and gives up when <c>shutdown_timeout</c>, counted from
/// SIGTERM, is about to pass: a receiver that is down must not keep a pod in Terminating until Kubernetes kills it.
/// What is given up is counted (<c>pipeline_remote_write_samples_dropped_total{reason="shutdown"}</c>) and logged.
/// </summary>
internal sealed partial class RemoteWriteFlushOnStop : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Most of the time kept for what follows the flush (the rest of the silo's stop, closing the stores).</summary>
    public static readonly TimeSpan MaxReserve = TimeSpan.FromSeconds(2);

    private readonly PipelineConfig _config;
    private readonly ScrapeSampleFanOut _fanOut;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _stoppingSince;

    public RemoteWriteFlushOnStop(PipelineConfig config, ScrapeSampleFanOut fanOut, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<RemoteWriteFlushOnStop> logger)
    {
        _config = config;
        _fanOut = fanOut;
        _time = time;
        _logger = logger;
        lifetime.ApplicationStopping.Register(() => Interlocked.CompareExchange(ref _stoppingSince, _time.GetTimestamp(), 0));
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RemoteWriteFlushOnStop), ServiceLifecycleStage.RuntimeGrainServices, _ => Task.CompletedTask, StopAsync);

    /// <summary>The time the flush may take: <c>shutdown_timeout</c> from the stop's start, less a reserve for the rest.</summary>
    public static TimeSpan Budget(TimeSpan shutdownTimeout, TimeSpan elapsed)
    {
        var reserve = TimeSpan.FromTicks(Math.Min(MaxReserve.Ticks, shutdownTimeout.Ticks / 4));
        var budget = shutdownTimeout - reserve - elapsed;
        return budget > TimeSpan.Zero ? budget : TimeSpan.Zero;
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        if (_fanOut.Queues.Count == 0)
        {
            return;
        }

        var since = Interlocked.Read(ref _stoppingSince);
        var budget = Budget(_config.ShutdownTimeout, since == 0 ? TimeSpan.Zero : _time.GetElapsedTime(since));
        var pending = _fanOut.PendingSamples;
        if (pending > 0)
        {
            LogInformationFlushing(_logger, pending, budget.TotalSeconds, _config.ShutdownTimeout.TotalSeconds);
        }

        using var deadline = new CancellationTokenSource(budget, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellation);
        await _fanOut.StopAsync(stop.Token);

        var (samples, batches) = (_fanOut.Queues.Sum(q => q.SamplesGivenUpOnStop), _fanOut.Queues.Sum(q => q.BatchesGivenUpOnStop));
        if (samples > 0)
        {
            LogWarningGaveUp(_logger, _config.ShutdownTimeout.TotalSeconds, samples, batches);
        }
    }

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information,
        Message = "Stopping: sending {Samples} queued samples to the remote_write receivers, for at most {BudgetSeconds:0.#} s (shutdown_timeout {ShutdownTimeoutSeconds:0.#} s)")]
    private static partial void LogInformationFlushing(ILogger logger, long samples, double budgetSeconds, double shutdownTimeoutSeconds);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning,
        Message = "Stopping: shutdown_timeout ({ShutdownTimeoutSeconds:0.#} s) reached before remote_write was flushed: gave up {Samples} samples in {Batches} batches not delivered (raise shutdown_timeout, and the pod's terminationGracePeriodSeconds above it, to wait longer)")]
    private static partial void LogWarningGaveUp(ILogger logger, double shutdownTimeoutSeconds, long samples, long batches);
}
