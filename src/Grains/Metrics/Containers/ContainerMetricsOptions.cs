namespace Pipeline.Grains.Metrics.Containers;

/// <summary>The <c>containers:</c> section: cAdvisor-like resource metrics of the node's containers, read from cgroups.</summary>
public sealed class ContainerMetricsOptions
{
    /// <summary>Every 15 s: Prometheus' default scrape interval, so the series line up with scraped ones.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    /// <summary>Off unless asked: reading other containers' cgroups needs the host's <c>/sys/fs/cgroup</c> and <c>/proc</c> mounted.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often a collection runs (default <see cref="DefaultInterval"/>).</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Where the host's cgroups are (default <see cref="CgroupLayout.DefaultRoot"/>; in a pod, wherever the host path is mounted).</summary>
    public string CgroupRoot { get; set; } = CgroupLayout.DefaultRoot;

    /// <summary>The host's procfs, for <c>/proc/stat</c>, <c>/proc/meminfo</c> and containers' network (default <see cref="CgroupStatsReader.DefaultProcRoot"/>).</summary>
    public string ProcRoot { get; set; } = CgroupStatsReader.DefaultProcRoot;
}
