using Pipeline.Grains.Metrics.Containers;

namespace Pipeline.Tests.Containers;

/// <summary>Pods and containers known by uid and id, as a pod cache would know them.</summary>
internal sealed class FakeContainerMetadata : IContainerMetadata
{
    private readonly Dictionary<string, (string Namespace, string Pod)> _pods = [];
    private readonly Dictionary<(string Uid, string Id), (string Container, string Image)> _containers = [];

    public long Version { get; private set; }

    public int Lookups { get; private set; }

    public void Add(string uid, string ns, string pod, string containerId, string container, string image)
    {
        _pods[uid] = (ns, pod);
        _containers[(uid, containerId)] = (container, image);
        Version++;
    }

    public ContainerMetadata? Find(string podUid, string containerId)
    {
        Lookups++;
        if (!_pods.TryGetValue(podUid, out var pod))
        {
            return null;
        }

        return _containers.TryGetValue((podUid, containerId), out var container)
            ? new ContainerMetadata(pod.Namespace, pod.Pod, container.Container, container.Image)
            : new ContainerMetadata(pod.Namespace, pod.Pod, "", "");
    }
}
