namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Reads kubelet's cgroup names. systemd driver:
/// <c>kubepods.slice/kubepods-&lt;qos&gt;.slice/kubepods-&lt;qos&gt;-pod&lt;uid with _&gt;.slice/&lt;runtime&gt;-&lt;id&gt;.scope</c>;
/// cgroupfs driver: <c>kubepods/&lt;qos&gt;/pod&lt;uid&gt;/&lt;id&gt;</c>; guaranteed pods sit directly under
/// <c>kubepods</c>. A name that fits none of these (a runtime's helper such as <c>crio-conmon-&lt;id&gt;.scope</c>,
/// a slice someone added by hand) is not a container: callers skip it, nothing throws.
/// </summary>
public static class KubepodsCgroupPath
{
    /// <summary>The top of kubelet's hierarchy with the systemd driver.</summary>
    public const string SystemdRoot = "kubepods.slice";

    /// <summary>The top of kubelet's hierarchy with the cgroupfs driver.</summary>
    public const string CgroupfsRoot = "kubepods";

    // Docker, containerd and CRI-O ids are 64 hex digits; shorter ones are accepted for test runtimes, very short ones are not ids.
    private const int MinContainerIdLength = 12;
    private const int MaxContainerIdLength = 128;

    /// <summary>True when <paramref name="name"/> is the top of kubelet's hierarchy (either driver).</summary>
    public static bool IsKubepodsRoot(string name) => name is SystemdRoot or CgroupfsRoot;

    /// <summary>
    /// The container <paramref name="id"/> (a cgroup path from the root, leading <c>/</c> optional) names, or
    /// null when it is no container cgroup of kubelet's layout (a pod or qos level, a helper, anything else).
    /// </summary>
    public static KubepodsCgroup? TryParse(string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var top = Array.FindIndex(segments, IsKubepodsRoot);
        if (top < 0)
        {
            return null;
        }

        var systemd = segments[top] == SystemdRoot;
        var next = top + 1;
        if (next >= segments.Length)
        {
            return null;
        }

        PodQosClass qos;
        string? uid;
        if (TryParseQosLevel(segments[next], systemd) is { } level)
        {
            qos = level;
            next++;
            if (next >= segments.Length)
            {
                return null;
            }

            uid = PodUid(segments[next], systemd, level);
        }
        else
        {
            qos = PodQosClass.Guaranteed;
            uid = PodUid(segments[next], systemd, PodQosClass.Guaranteed);
        }

        // The container is the level right under the pod; deeper levels (crun's "container" leaf) are inside it.
        if (uid is null || next + 2 != segments.Length)
        {
            return null;
        }

        if (!TryParseContainer(segments[next + 1], out var runtime, out var containerId))
        {
            return null;
        }

        var normalized = id[0] == '/' ? id : "/" + id;
        return new KubepodsCgroup(normalized, qos, uid, containerId, runtime);
    }

    /// <summary>The qos level a directory right under <c>kubepods</c> stands for, or null when it is none (a guaranteed pod, or anything else).</summary>
    public static PodQosClass? TryParseQosLevel(string name, bool systemd) => (systemd, name) switch
    {
        (true, "kubepods-burstable.slice") or (false, "burstable") => PodQosClass.Burstable,
        (true, "kubepods-besteffort.slice") or (false, "besteffort") => PodQosClass.BestEffort,
        _ => null,
    };

    /// <summary>The pod uid a pod-level directory's name carries (dashes restored), or null when the name is no pod level of <paramref name="qos"/>.</summary>
    public static string? PodUid(string name, bool systemd, PodQosClass qos)
    {
        ReadOnlySpan<char> uid;
        if (systemd)
        {
            var prefix = qos switch
            {
                PodQosClass.Burstable => "kubepods-burstable-pod",
                PodQosClass.BestEffort => "kubepods-besteffort-pod",
                _ => "kubepods-pod",
            };
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".slice", StringComparison.Ordinal))
            {
                return null;
            }

            uid = name.AsSpan(prefix.Length, name.Length - prefix.Length - ".slice".Length);
        }
        else
        {
            if (!name.StartsWith("pod", StringComparison.Ordinal))
            {
                return null;
            }

            uid = name.AsSpan(3);
        }

        if (uid.IsEmpty)
        {
            return null;
        }

        foreach (var c in uid)
        {
            if (!char.IsAsciiHexDigit(c) && c != '-' && c != '_')
            {
                return null;
            }
        }

        // systemd escapes '-' in unit names, so kubelet writes the uid's dashes as underscores.
        return systemd ? uid.ToString().Replace('_', '-') : uid.ToString();
    }

    /// <summary>
    /// Reads a container-level name: <c>cri-containerd-&lt;id&gt;</c>, <c>crio-&lt;id&gt;</c>, <c>docker-&lt;id&gt;</c> (each
    /// with or without <c>.scope</c>) or a bare id. <c>crio-conmon-&lt;id&gt;</c> (CRI-O's monitor process) and
    /// anything whose id is not hex are not containers.
    /// </summary>
    public static bool TryParseContainer(string name, out ContainerRuntimeKind runtime, out string containerId)
    {
        runtime = ContainerRuntimeKind.Unknown;
        containerId = "";
        var span = name.AsSpan();
        if (span.EndsWith(".scope", StringComparison.Ordinal))
        {
            span = span[..^".scope".Length];
        }

        if (span.StartsWith("cri-containerd-", StringComparison.Ordinal))
        {
            runtime = ContainerRuntimeKind.Containerd;
            span = span["cri-containerd-".Length..];
        }
        else if (span.StartsWith("crio-", StringComparison.Ordinal))
        {
            runtime = ContainerRuntimeKind.CriO;
            span = span["crio-".Length..];
        }
        else if (span.StartsWith("docker-", StringComparison.Ordinal))
        {
            runtime = ContainerRuntimeKind.Docker;
            span = span["docker-".Length..];
        }

        if (span.Length is < MinContainerIdLength or > MaxContainerIdLength)
        {
            return false;
        }

        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        containerId = span.ToString();
        return true;
    }
}
