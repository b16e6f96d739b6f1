using System.Runtime.CompilerServices;

namespace Pipeline.Grains.Discovery;

/// <summary>A <c>static_configs</c> entry: its one group, yielded once; it never changes nor fails.</summary>
internal sealed class StaticTargetDiscoverer(TargetGroup group) : ITargetDiscoverer
{
    public string? Error => null;

    public async IAsyncEnumerable<IReadOnlyList<TargetGroup>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return [group];

        // The set never changes: stay until the reader stops, as every discoverer does.
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public void Dispose()
    {
    }
}
