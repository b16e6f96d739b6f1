using Pipeline.Grains.Discovery.Kubernetes;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Container metadata from the node's <see cref="PodMetadataCache"/>, the cache the log collector already
/// keeps (pod status <c>containerStatuses[].containerID</c> without its <c>containerd://</c> scheme, and image).
/// </summary>
public sealed class PodCacheContainerMetadata(PodMetadataCache pods) : IContainerMetadata
{
    public long Version => pods.Version;

    public ContainerMetadata? Find(string podUid, string containerId)
    {
        var pod = pods.Find(null, null, podUid, containerId);
        if (pod is null || pod.Uid != podUid)
        {
            return null;
        }

        foreach (var container in pod.Containers.Values)
        {
            if (container.ContainerId == containerId)
            {
                return new ContainerMetadata(pod.Namespace, pod.Name, container.Name, container.Image ?? "");
            }
        }

        return new ContainerMetadata(pod.Namespace, pod.Name, "", "");
    }
}
