using Pipeline.Grains.Discovery.Kubernetes;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// <c>logs.kubernetes</c>: pod metadata for log records, as fluent-bit's kubernetes filter adds it.
/// The node's collector watches the pods of its node and adds their labels, annotations, image and
/// id to the records of their files; pods annotated <c>fluentbit.io/exclude: "true"</c> are not
/// collected. Off unless <see cref="Enabled"/>: like fluent-bit's filter, it is asked for.
/// </summary>
public sealed class KubernetesLogsConfig
{
    /// <summary>Default of <see cref="StartupWait"/>: long enough for a node's pod list, short enough not to matter when the API is down.</summary>
    public static readonly TimeSpan DefaultStartupWait = TimeSpan.FromSeconds(5);

    public bool Enabled { get; init; }

    /// <summary>Explicit API server URL (<c>api_server</c>, fluent-bit <c>kube_url</c>), no authentication added; else <see cref="KubeConfigFile"/>, else the pod's service account.</summary>
    public Uri? ApiServer { get; init; }

    public string? KubeConfigFile { get; init; }

    /// <summary>Add <c>kubernetes.labels</c> (fluent-bit <c>Labels</c>, default on).</summary>
    public bool Labels { get; init; } = true;

    /// <summary>Add <c>kubernetes.annotations</c> (fluent-bit <c>Annotations</c>, default on).</summary>
    public bool Annotations { get; init; } = true;

    /// <summary>Honour <c>fluentbit.io/exclude[_stream][-container]</c> (fluent-bit <c>K8S-Logging.Exclude</c>, which defaults to off; on here).</summary>
    public bool Exclude { get; init; } = true;

    /// <summary>Watch namespaces so tenants' <c>namespace_labels</c> rules claim namespaces; null: when any tenant has such a rule.</summary>
    public bool? NamespaceLabels { get; init; }

    /// <summary>How long a collector waits at start for the first pod (and namespace) list before reading without it.</summary>
    public TimeSpan StartupWait { get; init; } = DefaultStartupWait;

    /// <summary>Whether namespaces are watched, given the tenants.</summary>
    public bool WatchesNamespaces(IEnumerable<TenantConfig> tenants) =>
        Enabled && (NamespaceLabels ?? tenants.Any(t => t.NamespaceLabels.Count > 0));

    /// <summary>How to reach the API server, with the list+watch defaults of the discovery.</summary>
    public KubernetesDiscoveryOptions Connection() => new()
    {
        ApiServer = ApiServer,
        KubeConfigFile = KubeConfigFile,
    };
}
