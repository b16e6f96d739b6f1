namespace Pipeline.Grains.Metrics.Containers;

/// <summary>How reading one cgroup or procfs file went.</summary>
internal enum CgroupFileStatus
{
    Ok,

    /// <summary>Not there: the kernel does not expose it (a controller not enabled) or the cgroup is gone.</summary>
    Missing,

    /// <summary>There but not readable (permissions, an I/O error).</summary>
    Unreadable,
}
