using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Activates this node's collector once the silo is active, and re-activates it if it was
/// lost (a failed loop, a deactivation), so collection runs for as long as the silo does.
/// </summary>
internal sealed partial class NodeCollectorStarter(
    PipelineConfig config,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<NodeCollectorStarter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(NodeCollectorStarter), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellation)
    {
        if (config.Logs.Inputs.Count > 0)
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
        var collector = grains.GetGrain<INodeCollectorGrain>(config.NodeName);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                var status = await collector.Start();
                if (status.Error is not null)
                {
                    LogIdle(logger, config.NodeName, status.Error);
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                LogStartFailed(logger, e, config.NodeName);
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

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Collector for node {Node} could not be started; trying again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Collector for node {Node} is idle: {Reason}")]
    private static partial void LogIdle(ILogger logger, string node, string reason);
}
