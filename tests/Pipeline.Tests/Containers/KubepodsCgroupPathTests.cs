using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>kubelet's cgroup names, both drivers, every runtime, every qos class; and what is not a container.</summary>
public sealed class KubepodsCgroupPathTests
{
    private const string Id = "4f9a2c0d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c";

    [Theory]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b5c1f3e_7d2a_4c3b_9e8f_1a2b3c4d5e6f.slice/cri-containerd-" + Id + ".scope", PodQosClass.Burstable, ContainerRuntimeKind.Containerd)]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b5c1f3e_7d2a_4c3b_9e8f_1a2b3c4d5e6f.slice/crio-" + Id + ".scope", PodQosClass.BestEffort, ContainerRuntimeKind.CriO)]
    [InlineData("/kubepods.slice/kubepods-pod0b5c1f3e_7d2a_4c3b_9e8f_1a2b3c4d5e6f.slice/docker-" + Id + ".scope", PodQosClass.Guaranteed, ContainerRuntimeKind.Docker)]
    [InlineData("/kubepods/burstable/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/" + Id, PodQosClass.Burstable, ContainerRuntimeKind.Unknown)]
    [InlineData("/kubepods/besteffort/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/" + Id, PodQosClass.BestEffort, ContainerRuntimeKind.Unknown)]
    [InlineData("/kubepods/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/" + Id, PodQosClass.Guaranteed, ContainerRuntimeKind.Unknown)]
    [InlineData("/kubepods/burstable/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/crio-" + Id, PodQosClass.Burstable, ContainerRuntimeKind.CriO)]
    [InlineData("/kubelet.slice/kubepods.slice/kubepods-pod0b5c1f3e_7d2a_4c3b_9e8f_1a2b3c4d5e6f.slice/cri-containerd-" + Id + ".scope", PodQosClass.Guaranteed, ContainerRuntimeKind.Containerd)]
    public void A_container_cgroup_names_its_qos_pod_container_and_runtime(string path, PodQosClass qos, ContainerRuntimeKind runtime)
    {
        var cgroup = KubepodsCgroupPath.TryParse(path);

        Assert.Equal(new KubepodsCgroup(path, qos, "0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f", Id, runtime), cgroup);
    }

    [Fact]
    public void A_path_without_its_leading_slash_gets_one_as_cadvisor_writes_ids()
    {
        var cgroup = KubepodsCgroupPath.TryParse("kubepods/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/" + Id);

        Assert.Equal("/kubepods/pod0b5c1f3e-7d2a-4c3b-9e8f-1a2b3c4d5e6f/" + Id, cgroup?.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/kubepods.slice")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b5c1f3e_7d2a.slice")]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b5c1f3e_7d2a.slice/crio-conmon-" + Id + ".scope")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod0b5c1f3e_7d2a.slice/crio-" + Id + ".scope")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b5c1f3e_7d2a.slice/crio-" + Id + ".scope/container")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podxyz.slice/crio-" + Id + ".scope")]
    [InlineData("/kubepods/burstable/pod0b5c1f3e-7d2a/not-a-container")]
    [InlineData("/kubepods/burstable/pod0b5c1f3e-7d2a/abc")]
    [InlineData("/kubepods/guaranteed/pod0b5c1f3e-7d2a/" + Id)]
    [InlineData("/system.slice/containerd.service")]
    [InlineData("/docker/" + Id)]
    [InlineData("/user.slice/user-1000.slice/session-1.scope")]
    public void Anything_else_is_no_container_and_does_not_throw(string path)
    {
        Assert.Null(KubepodsCgroupPath.TryParse(path));
    }
}
