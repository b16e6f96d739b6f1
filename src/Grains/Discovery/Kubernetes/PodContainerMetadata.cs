namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>One container of a pod as the API server describes it.</summary>
/// <param name="Name">The container's name in the pod spec.</param>
/// <param name="Image">The image it runs: the status's resolved name once the container started, else the spec's.</param>
/// <param name="ImageId">The image's digest reference (<c>imageID</c> of the status), fluent-bit's <c>container_hash</c>; null before it started.</param>
/// <param name="ContainerId">The runtime's id without its <c>containerd://</c>-style prefix; null before it started.</param>
public sealed record PodContainerMetadata(string Name, string? Image, string? ImageId, string? ContainerId);
