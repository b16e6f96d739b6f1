namespace Pipeline.Grains.Metrics.Containers;

/// <summary>A container's cgroup under kubelet's <c>kubepods</c> hierarchy, as its path tells.</summary>
/// <param name="Id">The cgroup path from the cgroup root with a leading <c>/</c>: cAdvisor's <c>id</c> label.</param>
/// <param name="Qos">The pod's quality-of-service level.</param>
/// <param name="PodUid">The pod's uid with dashes (the systemd driver's underscores turned back).</param>
/// <param name="ContainerId">The runtime's container id, as <c>containerStatuses[].containerID</c> carries it after the scheme.</param>
/// <param name="Runtime">The runtime the cgroup name tells.</param>
public sealed record KubepodsCgroup(string Id, PodQosClass Qos, string PodUid, string ContainerId, ContainerRuntimeKind Runtime);
