namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// What a container log file's path tells about its container. Every part may be missing:
/// a docker path gives only the container id, a cut <c>/var/log/containers</c> name may
/// lose the container name or id.
/// </summary>
public sealed record KubernetesLogPathInfo
{
    public string? Namespace { get; init; }
    public string? PodName { get; init; }

    /// <summary>The pod UID, only in <c>/var/log/pods</c> paths.</summary>
    public string? PodId { get; init; }

    public string? ContainerName { get; init; }

    /// <summary>The full container id (64 hex digits in kubelet and docker names); never a cut prefix.</summary>
    public string? ContainerId { get; init; }

    /// <summary>The container's restart count, only in <c>/var/log/pods</c> paths.</summary>
    public int? RestartCount { get; init; }

    /// <summary>The kubelet cut the file name at 255 bytes; the container name may be missing or cut.</summary>
    public bool NameCut { get; init; }
}
