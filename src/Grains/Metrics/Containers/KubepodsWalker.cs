namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Finds the container cgroups of a node's pods: <c>kubepods</c> (either driver) at the top of the
/// hierarchy or one level down (a kubelet run under its own slice), its qos levels, pod levels and the
/// containers in them. Directories that fit no level are skipped and counted; the walk never throws (a
/// pod removed mid-walk just ends its branch).
/// </summary>
public static class KubepodsWalker
{
    /// <summary>Adds every container cgroup under <paramref name="walkRoot"/> to <paramref name="found"/>; returns how many directories at the container level were skipped.</summary>
    public static int Walk(string walkRoot, List<KubepodsCgroup> found)
    {
        var skipped = 0;
        foreach (var top in Children(walkRoot))
        {
            var name = Path.GetFileName(top);
            if (KubepodsCgroupPath.IsKubepodsRoot(name))
            {
                skipped += WalkKubepods(top, "/" + name, name == KubepodsCgroupPath.SystemdRoot, found);
                continue;
            }

            foreach (var nested in Children(top))
            {
                var nestedName = Path.GetFileName(nested);
                if (KubepodsCgroupPath.IsKubepodsRoot(nestedName))
                {
                    skipped += WalkKubepods(nested, "/" + name + "/" + nestedName, nestedName == KubepodsCgroupPath.SystemdRoot, found);
                }
            }
        }

        return skipped;
    }

    private static int WalkKubepods(string directory, string id, bool systemd, List<KubepodsCgroup> found)
    {
        var skipped = 0;
        foreach (var child in Children(directory))
        {
            var name = Path.GetFileName(child);
            if (KubepodsCgroupPath.TryParseQosLevel(name, systemd) is { } qos)
            {
                foreach (var pod in Children(child))
                {
                    var podName = Path.GetFileName(pod);
                    if (KubepodsCgroupPath.PodUid(podName, systemd, qos) is not null)
                    {
                        skipped += WalkPod(pod, id + "/" + name + "/" + podName, found);
                    }
                }
            }
            else if (KubepodsCgroupPath.PodUid(name, systemd, PodQosClass.Guaranteed) is not null)
            {
                skipped += WalkPod(child, id + "/" + name, found);
            }
        }

        return skipped;
    }

    private static int WalkPod(string directory, string id, List<KubepodsCgroup> found)
    {
        var skipped = 0;
        foreach (var child in Children(directory))
        {
            if (KubepodsCgroupPath.TryParse(id + "/" + Path.GetFileName(child)) is { } container)
            {
                found.Add(container);
            }
            else
            {
                skipped++;
            }
        }

        return skipped;
    }

    // Sorted, so series come out in the same order on every collection; empty when the directory went away.
    private static string[] Children(string directory)
    {
        try
        {
            var children = Directory.GetDirectories(directory);
            Array.Sort(children, StringComparer.Ordinal);
            return children;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
