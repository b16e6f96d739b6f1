using k8s.Models;

namespace Pipeline.Tests.Discovery;

/// <summary>Small Kubernetes objects for discovery tests.</summary>
internal static class KubernetesObjects
{
    public static V1Pod Pod(string ns, string name, string ip, string node = "node-1", Dictionary<string, string>? labels = null, params int[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels ?? new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = [new V1Container { Name = "main", Image = "registry.local/" + name + ":1", Ports = [.. ports.Select(p => new V1ContainerPort { ContainerPort = p, Protocol = "TCP" })] }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            HostIP = "10.0.0.1",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
        },
    };
}
