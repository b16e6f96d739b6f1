namespace Pipeline.Grains.Metrics.Containers;

/// <summary>What cAdvisor's labels say of a container besides its cgroup: where it runs and what it runs.</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod's name.</param>
/// <param name="Container">The container's name in the pod spec; empty for a cgroup of the pod the API does not list (the sandbox, "pause").</param>
/// <param name="Image">The container's image; empty when unknown.</param>
public sealed record ContainerMetadata(string Namespace, string Pod, string Container, string Image);
