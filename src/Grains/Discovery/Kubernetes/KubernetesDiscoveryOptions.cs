using Pipeline.Grains.Http;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// One Kubernetes discovery (a <c>kubernetes_sd_configs</c> entry). The API server is reached, in this
/// order, through <see cref="ApiServer"/> (tests, a <c>kubectl proxy</c>), <see cref="KubeConfigFile"/>,
/// or the pod's service account when running in a cluster.
/// </summary>
public sealed class KubernetesDiscoveryOptions
{
    /// <summary>Default lower bound of the delay before retrying a failed list or watch.</summary>
    public static readonly TimeSpan DefaultMinRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Default upper bound of that delay (it doubles on each failure in a row).</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Default server-side lifetime of one watch request; the watch is then resumed from the last resourceVersion.</summary>
    public const int DefaultWatchTimeoutSeconds = 300;

    /// <summary>Default time past <see cref="WatchTimeoutSeconds"/> after which a silent watch is taken for a dead connection.</summary>
    public static readonly TimeSpan DefaultWatchStallGrace = TimeSpan.FromSeconds(30);

    /// <summary>Default number of objects asked per list page (<c>limit</c>), as client-go's pager.</summary>
    public const int DefaultListPageSize = 500;

    /// <summary>The namespace file of the pod's service account.</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public KubernetesRole Role { get; set; } = KubernetesRole.Pod;

    /// <summary>Explicit API server URL (<c>api_server</c>); no authentication is added.</summary>
    public Uri? ApiServer { get; set; }

    /// <summary>A kubeconfig file (<c>kubeconfig_file</c>); its current context is used unless <see cref="KubeConfigContext"/> names one.</summary>
    public string? KubeConfigFile { get; set; }

    public string? KubeConfigContext { get; set; }

    /// <summary>Namespaces to watch (<c>namespaces.names</c>); empty watches all namespaces. Ignored for nodes.</summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>
    /// Also watch the namespace this process runs in (<c>namespaces.own_namespace</c>), read from
    /// <see cref="OwnNamespaceFile"/> when the discovery starts.
    /// </summary>
    public bool OwnNamespace { get; set; }

    /// <summary>Where the pod's namespace is read from for <see cref="OwnNamespace"/>: the service account's namespace file.</summary>
    public string OwnNamespaceFile { get; set; } = ServiceAccountNamespaceFile;

    /// <summary>
    /// HTTP client settings for an explicit <see cref="ApiServer"/> (<c>basic_auth</c>, <c>authorization</c>,
    /// <c>tls_config</c>); a kubeconfig file or the service account brings its own.
    /// </summary>
    public HttpClientConfig Http { get; set; } = HttpClientConfig.None;

    /// <summary>A Kubernetes label selector passed to the API server, e.g. <c>app=web,tier!=cache</c>.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>A field selector passed to the API server, e.g. <c>spec.nodeName=node-1</c> for the pods of one node.</summary>
    public string? FieldSelector { get; set; }

    public TimeSpan MinRetryDelay { get; set; } = DefaultMinRetryDelay;

    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;

    public int WatchTimeoutSeconds { get; set; } = DefaultWatchTimeoutSeconds;

    public TimeSpan WatchStallGrace { get; set; } = DefaultWatchStallGrace;

    /// <summary>Objects per list page; a large cluster is listed in pages rather than in one huge answer.</summary>
    public int ListPageSize { get; set; } = DefaultListPageSize;
}
