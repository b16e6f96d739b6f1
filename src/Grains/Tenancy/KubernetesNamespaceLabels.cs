using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Discovery.Kubernetes;

namespace Pipeline.Grains.Tenancy;

/// <summary>
/// Namespace labels from the Kubernetes API, kept by one cluster-wide list + watch of namespaces
/// (the discovery's <see cref="KubernetesListWatch{T}"/>: resume, relist on 410, backoff), so
/// tenants' <c>namespace_labels</c> rules claim namespaces in a real cluster. Until the first list
/// answers, no namespace's labels are known (as with <see cref="UnknownNamespaceLabels"/>).
/// </summary>
public sealed class KubernetesNamespaceLabels : INamespaceLabels, IKubernetesObjectSink<V1Namespace>, IDisposable
{
    private readonly IKubernetes? _ownedClient;
    private readonly KubernetesListWatch<V1Namespace> _watch;
    private volatile Dictionary<string, IReadOnlyDictionary<string, string>> _labels = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private volatile bool _listed;

    /// <summary>Connects as <paramref name="connection"/> says (api_server, kubeconfig_file or the pod's service account).</summary>
    public KubernetesNamespaceLabels(KubernetesDiscoveryOptions connection, ILogger? logger = null, TimeProvider? time = null)
        : this(connection, KubernetesClientFactory.Create(connection), logger, time)
    {
        _ownedClient = Client;
    }

    /// <summary>Uses a client the caller built and keeps ownership of.</summary>
    public KubernetesNamespaceLabels(KubernetesDiscoveryOptions connection, IKubernetes client, ILogger? logger = null, TimeProvider? time = null)
    {
        Client = client;
        var options = new KubernetesDiscoveryOptions
        {
            ApiServer = connection.ApiServer,
            KubeConfigFile = connection.KubeConfigFile,
            KubeConfigContext = connection.KubeConfigContext,
            MinRetryDelay = connection.MinRetryDelay,
            MaxRetryDelay = connection.MaxRetryDelay,
            WatchTimeoutSeconds = connection.WatchTimeoutSeconds,
            WatchStallGrace = connection.WatchStallGrace,
            ListPageSize = connection.ListPageSize,
        };
        _watch = new KubernetesListWatch<V1Namespace>(KubernetesNamespaceApi.Create(client), options, null, this, 0, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    private IKubernetes Client { get; }

    /// <summary>True once the first list has answered.</summary>
    public bool Listed => _listed;

    public KubernetesDiscoveryCounters Counters => _watch.Counters;

    /// <summary>Lists and watches until cancelled; failures are retried inside with backoff.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _watch.RunAsync(cancellationToken);

    public IReadOnlyDictionary<string, string>? LabelsOf(string namespaceName) => _labels.GetValueOrDefault(namespaceName);

    void IKubernetesObjectSink<V1Namespace>.Replace(int scope, IReadOnlyList<V1Namespace> items)
    {
        var fresh = new Dictionary<string, IReadOnlyDictionary<string, string>>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.Metadata?.Name is { } name)
            {
                fresh[name] = LabelsOf(item);
            }
        }

        lock (_gate)
        {
            _labels = fresh;
            _listed = true;
        }
    }

    void IKubernetesObjectSink<V1Namespace>.Upsert(int scope, V1Namespace item)
    {
        if (item.Metadata?.Name is not { } name)
        {
            return;
        }

        // Copy on write: readers (tenant resolution on collector threads) never take the lock.
        lock (_gate)
        {
            _labels = new Dictionary<string, IReadOnlyDictionary<string, string>>(_labels, StringComparer.Ordinal) { [name] = LabelsOf(item) };
        }
    }

    void IKubernetesObjectSink<V1Namespace>.Remove(int scope, V1Namespace item)
    {
        if (item.Metadata?.Name is not { } name)
        {
            return;
        }

        lock (_gate)
        {
            var fresh = new Dictionary<string, IReadOnlyDictionary<string, string>>(_labels, StringComparer.Ordinal);
            fresh.Remove(name);
            _labels = fresh;
        }
    }

    public void Dispose() => _ownedClient?.Dispose();

    private static Dictionary<string, string> LabelsOf(V1Namespace item) =>
        item.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
}
