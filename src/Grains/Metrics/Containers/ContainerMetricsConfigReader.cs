using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>Reads the <c>containers:</c> section at the pipeline file's root; a bad key or value names itself and its line.</summary>
internal static class ContainerMetricsConfigReader
{
    /// <summary>Collections closer than this would read every cgroup file of the node faster than cAdvisor's own floor (1s housekeeping).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    public static ContainerMetricsOptions Read(ConfigNode? node)
    {
        if (node is null)
        {
            return new ContainerMetricsOptions();
        }

        var options = new ContainerMetricsOptions
        {
            Enabled = node.Bool("enabled", false),
            Interval = node.Duration("interval", ContainerMetricsOptions.DefaultInterval, MinInterval, "housekeeping_interval"),
            CgroupRoot = node.String("cgroup_root") ?? CgroupLayout.DefaultRoot,
            ProcRoot = node.String("proc_root") ?? CgroupStatsReader.DefaultProcRoot,
        };
        node.RejectUnknownKeys();

        if (!Path.IsPathRooted(options.CgroupRoot))
        {
            node.ValueError("cgroup_root", $"'{options.CgroupRoot}' must be an absolute path (the host's /sys/fs/cgroup as mounted here)");
        }

        if (!Path.IsPathRooted(options.ProcRoot))
        {
            node.ValueError("proc_root", $"'{options.ProcRoot}' must be an absolute path (the host's /proc as mounted here)");
        }

        return options;
    }
}
