namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The full current target set of a discovery; <see cref="Version"/> grows by one with each change.</summary>
public sealed record KubernetesTargetSnapshot(long Version, IReadOnlyList<TargetGroup> Groups);
