namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// One collection of a node: the root cgroup (the node's totals), every container cgroup found, the
/// host CPU clock docker stats divides by, and what could not be read. Immutable once made, so the HTTP
/// API can compute docker stats from the last two while the next collection runs.
/// </summary>
public sealed class ContainerNodeSnapshot
{
    public static ContainerNodeSnapshot Empty { get; } = new() { Time = DateTimeOffset.UnixEpoch };

    public required DateTimeOffset Time { get; init; }

    public CgroupVersion Version { get; init; }

    /// <summary>The host's CPU time from <c>/proc/stat</c> (user through softirq, as docker counts it) in nanoseconds.</summary>
    public long? HostCpuNanoseconds { get; init; }

    /// <summary>CPUs listed in <c>/proc/stat</c>.</summary>
    public int OnlineCpus { get; init; }

    /// <summary>The host's memory (<c>MemTotal</c>): docker stats' limit of a container without one.</summary>
    public long? HostMemoryBytes { get; init; }

    /// <summary>The root cgroup (cAdvisor's <c>id="/"</c>).</summary>
    public CgroupStats Node { get; init; } = CgroupStats.Empty;

    public IReadOnlyList<ContainerCgroupStats> Containers { get; init; } = [];

    /// <summary>Containers whose pod or container the metadata did not know.</summary>
    public int Unenriched { get; init; }

    /// <summary>Directories at the container level that are no container (runtime helpers, unknown layouts).</summary>
    public int Skipped { get; init; }

    public int MissingFiles { get; init; }

    public int UnreadableFiles { get; init; }

    public int GarbageFiles { get; init; }

    /// <summary>Samples written to the sink.</summary>
    public int Samples { get; init; }
}
