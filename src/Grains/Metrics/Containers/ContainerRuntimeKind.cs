namespace Pipeline.Grains.Metrics.Containers;

/// <summary>The runtime a container's cgroup name tells (systemd driver scopes carry a prefix; cgroupfs names are bare ids).</summary>
public enum ContainerRuntimeKind
{
    /// <summary>A bare id (cgroupfs driver): the name does not say which runtime made it.</summary>
    Unknown,
    Containerd,
    CriO,
    Docker,
}
