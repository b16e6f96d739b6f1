using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Kubernetes service discovery for one scrape job: lists and watches the objects of its
/// <see cref="KubernetesDiscoveryOptions.Role"/> (one watch per configured namespace, or one for all)
/// and keeps the Prometheus target groups they yield, with the <c>__meta_kubernetes_*</c> labels
/// Prometheus gives each role. Run it with <see cref="RunAsync"/>; read the full current target set
/// from <see cref="Current"/> or await each new version with <see cref="WatchTargetsAsync"/>. It knows
/// nothing of Orleans: a discovery grain owns one and reconciles its targets from the snapshots.
/// </summary>
public sealed class KubernetesDiscovery : IDisposable
{
    private readonly IKubernetes _client;
    private readonly bool _ownsClient;
    private readonly KubernetesTargetSet _targets;
    private readonly Func<CancellationToken, Task>[] _watches;
    private readonly List<Func<KubernetesDiscoveryCounters>> _counters = [];
    private readonly List<Func<string?>> _errors = [];

    /// <summary>Connects as the options say (api_server, kubeconfig_file or the pod's service account).</summary>
    public KubernetesDiscovery(KubernetesDiscoveryOptions options, ILogger<KubernetesDiscovery>? logger = null, TimeProvider? timeProvider = null)
        : this(options, KubernetesClientFactory.Create(options), ownsClient: true, logger, timeProvider)
    {
    }

    /// <summary>Uses a client the caller built and keeps ownership of.</summary>
    public KubernetesDiscovery(KubernetesDiscoveryOptions options, IKubernetes client, ILogger<KubernetesDiscovery>? logger = null, TimeProvider? timeProvider = null)
        : this(options, client, ownsClient: false, logger, timeProvider)
    {
    }

    private KubernetesDiscovery(KubernetesDiscoveryOptions options, IKubernetes client, bool ownsClient, ILogger? logger, TimeProvider? timeProvider)
    {
        var validation = new KubernetesDiscoveryOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException("kubernetes_sd_configs: " + validation.FailureMessage, nameof(options));
        }

        _client = client;
        _ownsClient = ownsClient;
        Options = options;
        logger ??= NullLogger.Instance;
        var time = timeProvider ?? TimeProvider.System;
        var names = options.OwnNamespace ? [.. options.Namespaces, OwnNamespace(options.OwnNamespaceFile)] : options.Namespaces;
        string?[] namespaces = options.Role == KubernetesRole.Node || names.Count == 0
            ? [null]
            : [.. names.Distinct(StringComparer.Ordinal)];
        _targets = new KubernetesTargetSet(namespaces.Length);
        _watches = options.Role switch
        {
            KubernetesRole.Pod => Watches(KubernetesResourceApis.Pods(client), namespaces, logger, time),
            KubernetesRole.Node => Watches(KubernetesResourceApis.Nodes(client), namespaces, logger, time),
            KubernetesRole.Service => Watches(KubernetesResourceApis.Services(client), namespaces, logger, time),
            KubernetesRole.EndpointSlice => Watches(KubernetesResourceApis.EndpointSlices(client), namespaces, logger, time),
            _ => throw new ArgumentException($"kubernetes_sd_configs: unknown role '{options.Role}' (expected one of pod, node, service, endpointslice)", nameof(options)),
        };
    }

    public KubernetesDiscoveryOptions Options { get; }

    /// <summary>The full current target set; null until every watch has listed once.</summary>
    public KubernetesTargetSnapshot? Current => _targets.Current;

    /// <summary>What the watches did so far, summed over namespaces.</summary>
    public KubernetesDiscoveryCounters Counters => _counters.Select(c => c()).Aggregate(default(KubernetesDiscoveryCounters), (a, b) => new(
        a.Lists + b.Lists, a.Watches + b.Watches, a.Events + b.Events, a.Bookmarks + b.Bookmarks, a.Expired + b.Expired, a.Failures + b.Failures, a.Stalls + b.Stalls));

    /// <summary>Why lists or watches are failing (each is retried), or null when every watch is well.</summary>
    public string? Error
    {
        get
        {
            var errors = _errors.Select(e => e()).Where(e => e is not null).ToList();
            return errors.Count == 0 ? null : string.Join("; ", errors);
        }
    }

    /// <summary>Lists and watches until cancelled; failures are retried inside, so it ends only on cancellation.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_watches.Select(watch => Task.Run(() => watch(cancellationToken), CancellationToken.None)));

    /// <summary>
    /// The current target set once there is one, then every newer version. A slow reader skips
    /// versions rather than queueing them: each snapshot is complete, so the latest is all it needs.
    /// </summary>
    public IAsyncEnumerable<KubernetesTargetSnapshot> WatchTargetsAsync(CancellationToken cancellationToken = default) =>
        _targets.WatchAsync(cancellationToken);

    /// <summary>Parses a Prometheus role name (<c>pod</c>, <c>node</c>, <c>service</c>, <c>endpointslice</c>).</summary>
    public static KubernetesRole ParseRole(string role) => role.ToLowerInvariant() switch
    {
        "pod" => KubernetesRole.Pod,
        "node" => KubernetesRole.Node,
        "service" => KubernetesRole.Service,
        "endpointslice" => KubernetesRole.EndpointSlice,
        _ => throw new ArgumentException($"kubernetes_sd_configs: unknown role '{role}' (expected one of pod, node, service, endpointslice)", nameof(role)),
    };

    private static string OwnNamespace(string file)
    {
        try
        {
            var name = File.ReadAllText(file).Trim();
            return name.Length > 0 ? name : throw new InvalidOperationException($"namespaces.own_namespace: '{file}' is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"namespaces.own_namespace: cannot read this pod's namespace from '{file}' ({ex.Message}); outside a pod, list the namespace in namespaces.names", ex);
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private Func<CancellationToken, Task>[] Watches<T>(KubernetesResourceApi<T> api, string?[] namespaces, ILogger logger, TimeProvider time)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var watches = new Func<CancellationToken, Task>[namespaces.Length];
        for (var i = 0; i < namespaces.Length; i++)
        {
            var watch = new KubernetesListWatch<T>(api, Options, namespaces[i], _targets, i, logger, time);
            watches[i] = watch.RunAsync;
            _counters.Add(() => watch.Counters);
            _errors.Add(() => watch.LastError);
        }

        return watches;
    }
}
