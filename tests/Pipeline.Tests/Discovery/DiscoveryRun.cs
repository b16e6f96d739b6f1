using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Discovery;

/// <summary>A <see cref="KubernetesDiscovery"/> running against the API stand-in for the length of a test.</summary>
internal sealed class DiscoveryRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private DiscoveryRun(KubernetesDiscovery discovery)
    {
        Discovery = discovery;
        _running = discovery.RunAsync(_stop.Token);
    }

    public KubernetesDiscovery Discovery { get; }

    public static DiscoveryRun Start(KubernetesApiStandIn api, Action<KubernetesDiscoveryOptions>? configure = null, KubernetesRole role = KubernetesRole.Pod)
    {
        var options = new KubernetesDiscoveryOptions
        {
            Role = role,
            ApiServer = api.Uri,
            MinRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return new DiscoveryRun(new KubernetesDiscovery(options));
    }

    /// <summary>Waits for a snapshot that satisfies <paramref name="done"/>.</summary>
    public Task<KubernetesTargetSnapshot?> Until(Func<KubernetesTargetSnapshot, bool> done, string what) =>
        Eventually.Until(() => Task.FromResult(Discovery.Current), s => s is not null && done(s), what);

    /// <summary>Every target (group labels merged in) of the current snapshot, by address.</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, string>> ByAddress(KubernetesTargetSnapshot snapshot) =>
        snapshot.Groups.SelectMany(g => g.MergedTargets()).ToDictionary(t => t["__address__"], StringComparer.Ordinal);

    public static string[] Addresses(KubernetesTargetSnapshot? snapshot) =>
        snapshot is null ? [] : [.. snapshot.Groups.SelectMany(g => g.Targets).Select(t => t["__address__"]).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        Discovery.Dispose();
        _stop.Dispose();
    }
}
