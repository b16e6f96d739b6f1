using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Grains.Collection;

/// <summary>
/// What a collector needs to add pod metadata to its records: the node's pod cache, the
/// <c>logs.kubernetes</c> settings, and the namespace-label watch when tenants use it (the
/// collector waits for both lists at start, within <see cref="KubernetesLogsConfig.StartupWait"/>).
/// </summary>
public sealed class PodEnrichment(PodMetadataCache pods, KubernetesLogsConfig config, KubernetesNamespaceLabels? namespaces = null)
{
    public PodMetadataCache Pods { get; } = pods;

    public KubernetesLogsConfig Config { get; } = config;

    public KubernetesNamespaceLabels? Namespaces { get; } = namespaces;

    /// <summary>Every watch has listed once.</summary>
    public bool Ready => Pods.Listed && (Namespaces?.Listed ?? true);
}
