namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Where a node's cgroup files are: the version mounted at <see cref="Root"/> and, for v1, the directory of
/// each controller. Detected, not configured, because one image runs on nodes of both kinds: v2 when the
/// root holds <c>cgroup.controllers</c> (the unified hierarchy), v1 when controller directories are there.
/// A hybrid mount (v1 controllers plus <c>unified/</c>) counts as v1, as kubelet and runc count it.
/// </summary>
public sealed class CgroupLayout
{
    /// <summary>Where Linux mounts cgroups.</summary>
    public const string DefaultRoot = "/sys/fs/cgroup";

    private static readonly string[] V1Controllers = ["cpu", "cpuacct", "memory", "blkio", "pids"];

    private readonly Dictionary<string, string> _controllers;

    private CgroupLayout(string root, CgroupVersion version, Dictionary<string, string> controllers)
    {
        Root = root;
        Version = version;
        _controllers = controllers;
    }

    /// <summary>The configured cgroup root.</summary>
    public string Root { get; }

    public CgroupVersion Version { get; }

    /// <summary>Detects the version mounted at <paramref name="root"/>; <see cref="CgroupVersion.None"/> when neither is there.</summary>
    public static CgroupLayout Detect(string root = DefaultRoot)
    {
        var controllers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            return new CgroupLayout(root, CgroupVersion.V2, controllers);
        }

        foreach (var controller in V1Controllers)
        {
            if (FindV1Directory(root, controller) is { } directory)
            {
                controllers[controller] = directory;
            }
        }

        return new CgroupLayout(root, controllers.Count > 0 ? CgroupVersion.V1 : CgroupVersion.None, controllers);
    }

    /// <summary>
    /// The directory of cgroup <paramref name="relativePath"/> (from the hierarchy's root, leading <c>/</c>
    /// optional) for <paramref name="controller"/>; on v2 every controller shares one directory. Null when
    /// v1 has no such controller mounted.
    /// </summary>
    public string? Directory(string controller, string relativePath)
    {
        string? top = Version switch
        {
            CgroupVersion.V2 => Root,
            CgroupVersion.V1 => _controllers.GetValueOrDefault(controller),
            _ => null,
        };
        if (top is null)
        {
            return null;
        }

        var relative = relativePath.AsSpan().TrimStart('/');
        return relative.IsEmpty ? top : Path.Join(top, relative);
    }

    /// <summary>The directory to walk for the container hierarchy: the root on v2, a controller every container has on v1.</summary>
    public string? WalkRoot => Version switch
    {
        CgroupVersion.V2 => Root,
        CgroupVersion.V1 => _controllers.GetValueOrDefault("cpu") ?? _controllers.GetValueOrDefault("cpuacct") ?? _controllers.GetValueOrDefault("memory"),
        _ => null,
    };

    // Distributions mount cpu and cpuacct together as "cpu,cpuacct" (with "cpu" and "cpuacct" symlinks, or not).
    private static string? FindV1Directory(string root, string controller)
    {
        var plain = Path.Combine(root, controller);
        if (System.IO.Directory.Exists(plain))
        {
            return plain;
        }

        if (controller is "cpu" or "cpuacct")
        {
            foreach (var name in (string[])["cpu,cpuacct", "cpuacct,cpu"])
            {
                var joint = Path.Combine(root, name);
                if (System.IO.Directory.Exists(joint))
                {
                    return joint;
                }
            }
        }

        return null;
    }
}
