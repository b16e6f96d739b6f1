namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// One row of the docker stats table. CPU % is null for a container seen in only one of the two
/// snapshots (a rate needs two samples); memory values are null when the cgroup's files were not readable.
/// </summary>
/// <param name="Node">The node the container runs on (the caller's; empty when it did not say).</param>
/// <param name="ContainerId">The runtime's full container id (docker shows its first 12 characters).</param>
/// <param name="Namespace">The pod's namespace; empty without metadata.</param>
/// <param name="Pod">The pod's name; empty without metadata.</param>
/// <param name="Container">The container's name; empty without metadata.</param>
/// <param name="Image">The container's image; empty without metadata.</param>
/// <param name="CpuPercent">CPU time over host CPU time between the two snapshots, times the CPUs, in percent (100 per busy CPU).</param>
/// <param name="MemoryUsageBytes">Usage minus inactive file cache, or usage when the cache is not smaller (docker's rule).</param>
/// <param name="MemoryLimitBytes">The cgroup's limit, or the host's memory when the cgroup has none (or a larger one).</param>
/// <param name="MemoryPercent">Usage over limit, in percent.</param>
/// <param name="NetworkReceiveBytes">NET I/O in: bytes received on the container's interfaces.</param>
/// <param name="NetworkTransmitBytes">NET I/O out: bytes sent.</param>
/// <param name="BlockReadBytes">BLOCK I/O in: bytes read from block devices.</param>
/// <param name="BlockWriteBytes">BLOCK I/O out: bytes written.</param>
public sealed record ContainerStatsRow(
    string Node,
    string ContainerId,
    string Namespace,
    string Pod,
    string Container,
    string Image,
    double? CpuPercent,
    long? MemoryUsageBytes,
    long? MemoryLimitBytes,
    double? MemoryPercent,
    long NetworkReceiveBytes,
    long NetworkTransmitBytes,
    long BlockReadBytes,
    long BlockWriteBytes);
