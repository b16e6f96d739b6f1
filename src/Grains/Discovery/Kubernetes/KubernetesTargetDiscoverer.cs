using System.Runtime.CompilerServices;
using k8s.Exceptions;
using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// <c>kubernetes_sd_configs</c> as an <see cref="ITargetDiscoverer"/>: runs a <see cref="KubernetesDiscovery"/>
/// from the first <see cref="WatchAsync"/> until <see cref="Dispose"/> and yields its snapshots' groups.
/// A discovery that cannot start (no API server to reach, unreadable own namespace) yields an empty
/// set and says why in <see cref="Error"/>.
/// </summary>
internal sealed class KubernetesTargetDiscoverer : ITargetDiscoverer
{
    private readonly KubernetesDiscovery? _discovery;
    private readonly string? _startError;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _running;
    private bool _disposed;

    public KubernetesTargetDiscoverer(KubernetesDiscoveryOptions options, DiscoveryContext context)
    {
        try
        {
            _discovery = new KubernetesDiscovery(options, context.Loggers.CreateLogger<KubernetesDiscovery>(), context.Time);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or KubeConfigException)
        {
            _startError = ex.Message;
            DiscoveryLog.LogErrorKubernetesStart(context.Loggers.CreateLogger<KubernetesTargetDiscoverer>(), context.JobName, ex.Message);
        }
    }

    public string? Error => _startError ?? _discovery?.Error;

    public async IAsyncEnumerable<IReadOnlyList<TargetGroup>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_discovery is null)
        {
            yield return [];
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running ??= _discovery.RunAsync(_stop.Token);
        }

        await foreach (var snapshot in _discovery.WatchTargetsAsync(cancellationToken))
        {
            yield return snapshot.Groups;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stop.Cancel();
        _discovery?.Dispose();
    }
}
