namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// One cgroup to read: its path from the hierarchy root (cAdvisor's <c>id</c>) and, on v1, where a process
/// may sit in a different cgroup per controller (<c>/proc/&lt;pid&gt;/cgroup</c> lists one line per hierarchy),
/// the path for each controller that differs.
/// </summary>
/// <param name="Id">The cgroup path with a leading <c>/</c>; <c>/</c> is the root (the node's totals).</param>
/// <param name="ControllerPaths">v1 only: a path per controller where it is not <paramref name="Id"/>.</param>
public sealed record CgroupLocation(string Id, IReadOnlyDictionary<string, string>? ControllerPaths = null)
{
    /// <summary>The root cgroup: what cAdvisor reports as <c>id="/"</c>.</summary>
    public static CgroupLocation Root { get; } = new("/");

    /// <summary>The path of this cgroup in <paramref name="controller"/>'s hierarchy.</summary>
    public string PathFor(string controller) =>
        ControllerPaths is not null && ControllerPaths.TryGetValue(controller, out var path) ? path : Id;

    /// <summary>
    /// The cgroup a process is in, from its <c>/proc/&lt;pid&gt;/cgroup</c> text: the <c>0::&lt;path&gt;</c> line on v2;
    /// on v1 the path of each controller line (<c>4:memory:/a</c>, <c>2:cpu,cpuacct:/b</c>), with
    /// <see cref="Id"/> the cpu controller's. Null when the text has no line for <paramref name="version"/>.
    /// </summary>
    public static CgroupLocation? FromProcCgroup(string text, CgroupVersion version)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unified = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var first = line.IndexOf(':', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
            {
                continue;
            }

            var controllers = line[(first + 1)..second];
            var path = line[(second + 1)..];
            if (controllers.Length == 0)
            {
                unified = path;
                continue;
            }

            foreach (var controller in controllers.Split(','))
            {
                paths[controller] = path;
            }
        }

        if (version == CgroupVersion.V2)
        {
            return unified is null ? null : new CgroupLocation(unified);
        }

        if (version != CgroupVersion.V1 || paths.Count == 0)
        {
            return null;
        }

        var id = paths.GetValueOrDefault("cpu") ?? paths.GetValueOrDefault("cpuacct") ?? paths.GetValueOrDefault("memory") ?? "/";
        return new CgroupLocation(id, paths);
    }
}
