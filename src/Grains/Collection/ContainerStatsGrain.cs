using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.Placement;

namespace Pipeline.Grains.Collection;

/// <summary>Answers the docker stats table of this silo's node from the container metrics collector's last two snapshots; one per silo, placed on it.</summary>
[SiloPlacement]
public sealed class ContainerStatsGrain(PipelineConfig config, ILocalSiloDetails silo, IServiceProvider services) : Grain, IContainerStatsGrain
{
    public Task<NodeContainerStats> GetStats()
    {
        if (services.GetService(typeof(ContainerMetricsCollector)) is not ContainerMetricsCollector collector)
        {
            return Task.FromResult(new NodeContainerStats { Node = config.NodeName, Silo = silo.Name, Reason = "containers.enabled is off in this silo's pipeline file" });
        }

        var (previous, latest) = collector.Snapshots;
        var rows = latest is null ? [] : DockerStatsCalculator.Compute(previous, latest, config.NodeName);
        return Task.FromResult(new NodeContainerStats
        {
            Node = config.NodeName,
            Silo = silo.Name,
            Collecting = collector.Version != CgroupVersion.None,
            Reason = collector.UnavailableReason,
            CgroupVersion = collector.Version switch
            {
                CgroupVersion.V1 => "v1",
                CgroupVersion.V2 => "v2",
                _ => "none",
            },
            TimeUnixMs = latest?.Time.ToUnixTimeMilliseconds() ?? 0,
            Rows = [.. rows.Select(ToEntry)],
        });
    }

    internal static ContainerStatsEntry ToEntry(ContainerStatsRow row) => new()
    {
        Node = row.Node,
        ContainerId = row.ContainerId,
        Namespace = row.Namespace,
        Pod = row.Pod,
        Container = row.Container,
        Image = row.Image,
        CpuPercent = row.CpuPercent,
        MemoryUsageBytes = row.MemoryUsageBytes,
        MemoryLimitBytes = row.MemoryLimitBytes,
        MemoryPercent = row.MemoryPercent,
        NetworkReceiveBytes = row.NetworkReceiveBytes,
        NetworkTransmitBytes = row.NetworkTransmitBytes,
        BlockReadBytes = row.BlockReadBytes,
        BlockWriteBytes = row.BlockWriteBytes,
    };
}
