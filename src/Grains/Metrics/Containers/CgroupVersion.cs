namespace Pipeline.Grains.Metrics.Containers;

/// <summary>Which cgroup hierarchy a node mounts at its cgroup root.</summary>
public enum CgroupVersion
{
    /// <summary>Neither hierarchy was found at the root (not Linux, or not mounted where configured).</summary>
    None,

    /// <summary>One hierarchy per controller (<c>cpu</c>, <c>cpuacct</c>, <c>memory</c>, <c>blkio</c> …); also the "hybrid" mount, as kubelet treats it.</summary>
    V1,

    /// <summary>The unified hierarchy: <c>cgroup.controllers</c> at the root.</summary>
    V2,
}
