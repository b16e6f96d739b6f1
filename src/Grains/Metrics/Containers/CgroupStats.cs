namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// What one cgroup's files said at one moment, in the kernel's units turned to nanoseconds and bytes. A
/// null value is a file (or field) that was missing, unreadable or garbage: its series is not produced.
/// </summary>
public sealed class CgroupStats
{
    /// <summary>A limit above this is "no limit" (v1 writes a page-rounded <c>long.MaxValue</c>; cAdvisor draws the line at 2^62).</summary>
    public const long UnlimitedMemoryThreshold = 1L << 62;

    public static CgroupStats Empty { get; } = new();

    /// <summary>CPU time used, all CPUs, user and system (v2 <c>usage_usec</c>, v1 <c>cpuacct.usage</c>).</summary>
    public long? CpuUsageNanoseconds { get; init; }

    public long? CpuUserNanoseconds { get; init; }

    public long? CpuSystemNanoseconds { get; init; }

    /// <summary>CFS enforcement periods elapsed (<c>nr_periods</c>).</summary>
    public long? CfsPeriods { get; init; }

    /// <summary>Periods in which the cgroup was throttled (<c>nr_throttled</c>).</summary>
    public long? CfsThrottledPeriods { get; init; }

    /// <summary>Time the cgroup spent throttled (v2 <c>throttled_usec</c>, v1 <c>throttled_time</c>).</summary>
    public long? CfsThrottledNanoseconds { get; init; }

    /// <summary>CFS quota per period in microseconds; 0 when unlimited (v2 <c>max</c>, v1 <c>-1</c>), as cAdvisor keeps it.</summary>
    public long? CpuQuotaMicroseconds { get; init; }

    public long? CpuPeriodMicroseconds { get; init; }

    /// <summary>Memory charged to the cgroup (v2 <c>memory.current</c>, v1 <c>memory.usage_in_bytes</c>).</summary>
    public long? MemoryUsageBytes { get; init; }

    /// <summary>The memory limit; above <see cref="UnlimitedMemoryThreshold"/> when there is none.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Anonymous memory (v2 <c>anon</c>, v1 <c>total_rss</c>).</summary>
    public long? MemoryRssBytes { get; init; }

    /// <summary>Page cache (v2 <c>file</c>, v1 <c>total_cache</c>).</summary>
    public long? MemoryCacheBytes { get; init; }

    /// <summary>Page cache the kernel would reclaim first (v2 <c>inactive_file</c>, v1 <c>total_inactive_file</c>).</summary>
    public long? MemoryInactiveFileBytes { get; init; }

    public IReadOnlyList<BlockDeviceStats> BlockDevices { get; init; } = [];

    public IReadOnlyList<NetworkInterfaceStats> NetworkInterfaces { get; init; } = [];

    /// <summary>True when a limit was read and it is no limit.</summary>
    public bool MemoryUnlimited => MemoryLimitBytes is > UnlimitedMemoryThreshold;

    /// <summary>
    /// Usage minus inactive file cache, not below 0: the memory the kernel cannot easily take back, which
    /// the OOM killer and kubelet's eviction watch (cAdvisor's working set, docker stats' MEM USAGE).
    /// Usage alone when inactive file is unknown.
    /// </summary>
    public long? MemoryWorkingSetBytes => MemoryUsageBytes is not { } usage
        ? null
        : Math.Max(0, usage - (MemoryInactiveFileBytes ?? 0));
}
