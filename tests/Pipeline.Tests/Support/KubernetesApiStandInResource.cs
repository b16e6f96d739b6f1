namespace Pipeline.Tests.Support;

/// <summary>A resource kind the Kubernetes API stand-in serves, with the names its answers carry.</summary>
public sealed record KubernetesApiStandInResource(string Plural, string Group, string ApiVersion, string Kind, bool Namespaced)
{
    public static readonly KubernetesApiStandInResource Pods = new("pods", "", "v1", "Pod", true);
    public static readonly KubernetesApiStandInResource Nodes = new("nodes", "", "v1", "Node", false);
    public static readonly KubernetesApiStandInResource Services = new("services", "", "v1", "Service", true);
    public static readonly KubernetesApiStandInResource EndpointSlices = new("endpointslices", "discovery.k8s.io", "discovery.k8s.io/v1", "EndpointSlice", true);

    public static readonly KubernetesApiStandInResource Namespaces = new("namespaces", "", "v1", "Namespace", false);

    public static readonly IReadOnlyList<KubernetesApiStandInResource> All = [Pods, Nodes, Services, EndpointSlices, Namespaces];

    public string ListKind => Kind + "List";
}
