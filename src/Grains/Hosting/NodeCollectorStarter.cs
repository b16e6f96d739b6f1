using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Activates this node's collector (log inputs, container metrics) once the silo is active, and re-activates it if it was
/// lost (a failed loop, a deactivation), so collection runs for as long as the silo does.
/// </summary>
internal sealed partial class NodeCollectorStarter(
    PipelineConfig config,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<NodeCollectorStarter> logger) : PeriodicSiloTask(time)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override bool Enabled => config.Logs.Inputs.Count > 0 || config.Containers.Enabled;

    protected override async Task RunOnceAsync(CancellationToken cancellation)
    {
        try
        {
            var status = await grains.GetGrain<INodeCollectorGrain>(config.NodeName).Start();
            if (status.Error is not null)
            {
                LogIdle(logger, config.NodeName, status.Error);
            }
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            LogStartFailed(logger, e, config.NodeName);
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Collector for node {Node} could not be started; trying again")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Collector for node {Node} is idle: {Reason}")]
    private static partial void LogIdle(ILogger logger, string node, string reason);
}
