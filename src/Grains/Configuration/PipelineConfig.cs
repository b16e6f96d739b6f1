using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.Metrics.Store;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// The pipeline file, as read: <c>logs</c> in fluent-bit's vocabulary, <c>tenants</c>, <c>auth</c>,
/// and Prometheus's <c>global</c>, <c>scrape_configs</c> and <c>remote_write</c> (see <see cref="MetricsConfig"/>).
/// </summary>
public sealed class PipelineConfig
{
    /// <summary>Where checkpoints and the embedded stores live when <c>data_dir</c> is not given.</summary>
    public const string DefaultDataDir = "./data";

    /// <summary>
    /// How long a stop (SIGTERM) may take at most when <c>shutdown_timeout</c> is not given: well under the 30 s
    /// Kubernetes waits before it kills a pod (<c>terminationGracePeriodSeconds</c>), so the silo ends on its own terms.
    /// </summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(20);

    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>Name of the node this silo collects for: <c>node_name</c>, else $NODE_NAME, else the host name.</summary>
    public required string NodeName { get; init; }

    public LogsConfig Logs { get; init; } = new();

    /// <summary><c>cluster</c>: how this silo finds the others (one local silo by default).</summary>
    public ClusterConfig Cluster { get; init; } = new();

    /// <summary>Tenants in file order; namespaces no tenant claims are each their own tenant.</summary>
    public List<TenantConfig> Tenants { get; init; } = [];

    public AuthConfig Auth { get; init; } = new();

    public MetricsConfig Metrics { get; init; } = new();

    /// <summary><c>containers</c>: cAdvisor-like resource metrics of this node's containers, from cgroups (off by default).</summary>
    public ContainerMetricsOptions Containers { get; init; } = new();

    /// <summary>
    /// <c>shutdown_timeout</c>: the longest a stop may take, from SIGTERM to exit. What could not be delivered by then
    /// (remote_write samples whose receiver is down) is given up, counted and logged.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary><c>storage</c>: the embedded metric store every silo keeps of the samples its grains produce (on by default).</summary>
    public MetricStoreOptions Storage { get; init; } = new();
}
