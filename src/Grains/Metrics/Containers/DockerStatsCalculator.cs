namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// The docker stats table from two snapshots of a node, with docker's arithmetic: CPU % is the container's
/// CPU-time delta over the host's CPU-time delta (<c>/proc/stat</c>) times the number of CPUs (so one busy CPU
/// reads 100 %); MEM USAGE is usage minus inactive file cache (usage itself if the cache is not smaller) against
/// the limit (the host's memory when the cgroup has none); NET I/O and BLOCK I/O are totals since the container started.
/// </summary>
public static class DockerStatsCalculator
{
    /// <summary>One row per container of <paramref name="latest"/>, by namespace, pod, container and id.</summary>
    public static List<ContainerStatsRow> Compute(ContainerNodeSnapshot? previous, ContainerNodeSnapshot latest, string node = "")
    {
        var before = new Dictionary<string, CgroupStats>(StringComparer.Ordinal);
        if (previous is not null)
        {
            foreach (var container in previous.Containers)
            {
                before[container.Cgroup.Id] = container.Stats;
            }
        }

        long? hostDelta = latest.HostCpuNanoseconds - previous?.HostCpuNanoseconds;
        var rows = new List<ContainerStatsRow>(latest.Containers.Count);
        foreach (var container in latest.Containers)
        {
            var stats = container.Stats;
            double? cpu = null;
            if (before.TryGetValue(container.Cgroup.Id, out var earlier))
            {
                cpu = CpuPercent(earlier.CpuUsageNanoseconds, stats.CpuUsageNanoseconds, hostDelta, latest.OnlineCpus);
            }

            var usage = MemoryUsage(stats);
            var limit = Limit(stats, latest.HostMemoryBytes);
            double? memoryPercent = usage is { } u && limit is > 0 ? 100.0 * u / limit.Value : null;
            long rx = 0, tx = 0, read = 0, write = 0;
            foreach (var network in stats.NetworkInterfaces)
            {
                rx += network.ReceiveBytes;
                tx += network.TransmitBytes;
            }

            foreach (var device in stats.BlockDevices)
            {
                read += device.ReadBytes;
                write += device.WriteBytes;
            }

            var meta = container.Metadata;
            rows.Add(new ContainerStatsRow(
                node, container.Cgroup.ContainerId, meta?.Namespace ?? "", meta?.Pod ?? "", meta?.Container ?? "", meta?.Image ?? "",
                cpu, usage, limit, memoryPercent, rx, tx, read, write));
        }

        rows.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Namespace, b.Namespace);
            order = order != 0 ? order : string.CompareOrdinal(a.Pod, b.Pod);
            order = order != 0 ? order : string.CompareOrdinal(a.Container, b.Container);
            return order != 0 ? order : string.CompareOrdinal(a.ContainerId, b.ContainerId);
        });
        return rows;
    }

    /// <summary>Docker's CPU %: 0 when either delta is not positive (a counter reset, or no time passed).</summary>
    public static double? CpuPercent(long? before, long? after, long? hostDelta, int cpus)
    {
        if (before is not { } b || after is not { } a || hostDelta is not { } host || cpus <= 0)
        {
            return null;
        }

        var delta = a - b;
        return delta > 0 && host > 0 ? (double)delta / host * cpus * 100.0 : 0.0;
    }

    /// <summary>
    /// Docker's MEM USAGE: usage minus inactive file cache when that is smaller than usage, else usage itself
    /// (unlike cAdvisor's working set, which is 0 then).
    /// </summary>
    public static long? MemoryUsage(CgroupStats stats)
    {
        if (stats.MemoryUsageBytes is not { } usage)
        {
            return null;
        }

        return stats.MemoryInactiveFileBytes is { } inactive && inactive < usage ? usage - inactive : usage;
    }

    private static long? Limit(CgroupStats stats, long? hostMemory)
    {
        if (stats.MemoryLimitBytes is not { } limit || stats.MemoryUnlimited)
        {
            return hostMemory;
        }

        return hostMemory is { } host && host < limit ? host : limit;
    }
}
