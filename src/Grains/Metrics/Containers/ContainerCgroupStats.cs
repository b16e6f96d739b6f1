namespace Pipeline.Grains.Metrics.Containers;

/// <summary>One container's cgroup, who it is (null when the pod cache does not know it) and what its files said.</summary>
public sealed record ContainerCgroupStats(KubepodsCgroup Cgroup, ContainerMetadata? Metadata, CgroupStats Stats);
