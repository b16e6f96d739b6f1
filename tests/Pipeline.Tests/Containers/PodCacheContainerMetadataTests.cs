using k8s.Models;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>The container metadata the node's pod cache holds, by pod uid and the runtime's container id.</summary>
public sealed class PodCacheContainerMetadataTests
{
    [Fact]
    public void A_container_is_named_by_its_status_container_id_without_the_scheme()
    {
        using var pods = new PodMetadataCache("node-1", new KubernetesDiscoveryOptions { ApiServer = new Uri("http://127.0.0.1:9") });
        ((IKubernetesObjectSink<V1Pod>)pods).Replace(0, [Pod()]);
        var metadata = new PodCacheContainerMetadata(pods);

        Assert.Equal(new ContainerMetadata("shop", "web-1", "nginx", "docker.io/library/nginx:1.27"), metadata.Find("uid-1", new string('a', 64)));
        Assert.Equal(new ContainerMetadata("shop", "web-1", "proxy", "registry.local/proxy:2"), metadata.Find("uid-1", new string('b', 64)));
        Assert.Equal(new ContainerMetadata("shop", "web-1", "", ""), metadata.Find("uid-1", new string('f', 64)));
        Assert.Null(metadata.Find("uid-2", new string('a', 64)));
        Assert.Equal(pods.Version, metadata.Version);
    }

    private static V1Pod Pod() => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "shop", Uid = "uid-1" },
        Spec = new V1PodSpec
        {
            NodeName = "node-1",
            Containers = [new V1Container { Name = "nginx", Image = "nginx:1.27" }, new V1Container { Name = "proxy", Image = "registry.local/proxy:2" }],
        },
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus { Name = "nginx", Image = "docker.io/library/nginx:1.27", ContainerID = "containerd://" + new string('a', 64), Ready = true, RestartCount = 0, ImageID = "sha256:1" },
                new V1ContainerStatus { Name = "proxy", Image = "registry.local/proxy:2", ContainerID = "cri-o://" + new string('b', 64), Ready = true, RestartCount = 0, ImageID = "sha256:2" },
            ],
        },
    };
}
