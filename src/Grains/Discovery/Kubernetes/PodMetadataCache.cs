using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// The pods of one node, kept by one list + watch (<c>fieldSelector=spec.nodeName=&lt;node&gt;</c>) with
/// the discovery's machinery (<see cref="KubernetesListWatch{T}"/>: resume from the last
/// resourceVersion, relist on 410, backoff while the API server is unreachable). Collectors look a
/// log file's pod up by uid, namespace and name, or container id, and compare <see cref="Version"/>
/// to notice changes; nothing is fetched per file or per line. A deleted pod is forgotten, but files
/// already enriched keep the metadata they had. Thread-safe: the watch writes, collectors read.
/// </summary>
public sealed class PodMetadataCache : IKubernetesObjectSink<V1Pod>, IDisposable
{
    private readonly object _gate = new();
    private readonly IKubernetes? _ownedClient;
    private readonly KubernetesListWatch<V1Pod> _watch;
    private Dictionary<string, PodMetadata> _byUid = new(StringComparer.Ordinal);
    private Dictionary<(string Namespace, string Name), PodMetadata> _byName = [];
    private Dictionary<string, PodMetadata> _byContainerId = new(StringComparer.Ordinal);
    private long _version;
    private volatile bool _listed;

    /// <summary>Connects as <paramref name="connection"/> says (api_server, kubeconfig_file or the pod's service account) and watches the pods of <paramref name="node"/>.</summary>
    public PodMetadataCache(string node, KubernetesDiscoveryOptions connection, ILogger? logger = null, TimeProvider? time = null)
        : this(node, connection, KubernetesClientFactory.Create(connection), logger, time)
    {
        _ownedClient = _client;
    }

    /// <summary>Uses a client the caller built and keeps ownership of.</summary>
    public PodMetadataCache(string node, KubernetesDiscoveryOptions connection, IKubernetes client, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        Node = node;
        _client = client;
        var options = ForNode(node, connection);
        _watch = new KubernetesListWatch<V1Pod>(KubernetesResourceApis.Pods(client), options, null, this, 0, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    private readonly IKubernetes _client;

    public string Node { get; }

    /// <summary>True once the first list has answered; until then no pod is known.</summary>
    public bool Listed => _listed;

    /// <summary>Grows whenever a pod's metadata (as records carry it) changes, appears or goes.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Pods known now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byUid.Count;
            }
        }
    }

    /// <summary>What the watch did so far (lists, failures, …).</summary>
    public KubernetesDiscoveryCounters Counters => _watch.Counters;

    /// <summary>Lists and watches until cancelled; failures are retried inside with backoff.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _watch.RunAsync(cancellationToken);

    /// <summary>
    /// The pod a log file belongs to, by whatever its path told: the uid (<c>/var/log/pods</c>), the
    /// namespace and name (<c>/var/log/containers</c>), or only the container id (docker's own files).
    /// </summary>
    public PodMetadata? Find(string? ns, string? podName, string? podUid, string? containerId)
    {
        lock (_gate)
        {
            if (podUid is { Length: > 0 } && _byUid.TryGetValue(podUid, out var byUid))
            {
                return byUid;
            }

            if (ns is { Length: > 0 } && podName is { Length: > 0 } && _byName.TryGetValue((ns, podName), out var byName)
                && (podUid is not { Length: > 0 } || byName.Uid == podUid))
            {
                return byName;
            }

            if (containerId is { Length: > 0 } && _byContainerId.TryGetValue(containerId, out var byContainer))
            {
                return byContainer;
            }

            return null;
        }
    }

    void IKubernetesObjectSink<V1Pod>.Replace(int scope, IReadOnlyList<V1Pod> items)
    {
        lock (_gate)
        {
            var old = _byUid;
            _byUid = new Dictionary<string, PodMetadata>(items.Count, StringComparer.Ordinal);
            _byName = new Dictionary<(string, string), PodMetadata>(items.Count);
            _byContainerId = new Dictionary<string, PodMetadata>(StringComparer.Ordinal);
            var changed = !_listed || old.Count != items.Count;
            foreach (var pod in items)
            {
                var fresh = PodMetadata.From(pod);
                if (old.TryGetValue(fresh.Uid, out var before) && before.SameAs(fresh))
                {
                    fresh = before;
                }
                else
                {
                    changed = true;
                }

                IndexLocked(fresh);
            }

            if (changed)
            {
                Interlocked.Increment(ref _version);
            }

            _listed = true;
        }
    }

    void IKubernetesObjectSink<V1Pod>.Upsert(int scope, V1Pod item)
    {
        var fresh = PodMetadata.From(item);
        lock (_gate)
        {
            if (_byUid.TryGetValue(fresh.Uid, out var before))
            {
                if (before.SameAs(fresh))
                {
                    return;
                }

                UnindexLocked(before);
            }

            IndexLocked(fresh);
            Interlocked.Increment(ref _version);
        }
    }

    void IKubernetesObjectSink<V1Pod>.Remove(int scope, V1Pod item)
    {
        lock (_gate)
        {
            if (item.Metadata?.Uid is { } uid && _byUid.TryGetValue(uid, out var before))
            {
                UnindexLocked(before);
                Interlocked.Increment(ref _version);
            }
        }
    }

    public void Dispose() => _ownedClient?.Dispose();

    private void IndexLocked(PodMetadata pod)
    {
        _byUid[pod.Uid] = pod;
        _byName[(pod.Namespace, pod.Name)] = pod;
        foreach (var container in pod.Containers.Values)
        {
            if (container.ContainerId is { } id)
            {
                _byContainerId[id] = pod;
            }
        }
    }

    private void UnindexLocked(PodMetadata pod)
    {
        _byUid.Remove(pod.Uid);
        if (_byName.TryGetValue((pod.Namespace, pod.Name), out var named) && ReferenceEquals(named, pod))
        {
            _byName.Remove((pod.Namespace, pod.Name));
        }

        foreach (var container in pod.Containers.Values)
        {
            if (container.ContainerId is { } id && _byContainerId.TryGetValue(id, out var owner) && ReferenceEquals(owner, pod))
            {
                _byContainerId.Remove(id);
            }
        }
    }

    private static KubernetesDiscoveryOptions ForNode(string node, KubernetesDiscoveryOptions connection) => new()
    {
        Role = KubernetesRole.Pod,
        ApiServer = connection.ApiServer,
        KubeConfigFile = connection.KubeConfigFile,
        KubeConfigContext = connection.KubeConfigContext,
        FieldSelector = "spec.nodeName=" + node,
        MinRetryDelay = connection.MinRetryDelay,
        MaxRetryDelay = connection.MaxRetryDelay,
        WatchTimeoutSeconds = connection.WatchTimeoutSeconds,
        WatchStallGrace = connection.WatchStallGrace,
        ListPageSize = connection.ListPageSize,
    };
}
