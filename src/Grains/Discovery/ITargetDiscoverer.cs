namespace Pipeline.Grains.Discovery;

/// <summary>
/// One service discovery of a scrape job (a <c>static_configs</c>, <c>file_sd_configs</c>,
/// <c>http_sd_configs</c> or <c>kubernetes_sd_configs</c> entry). Orleans-free.
/// </summary>
public interface ITargetDiscoverer : IDisposable
{
    /// <summary>
    /// The discoverer's full set of groups once known, then each new full set when it changes.
    /// A slow reader may skip sets (each is complete). Failures are retried inside and shown by
    /// <see cref="Error"/>; the enumeration ends only on cancellation.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<TargetGroup>> WatchAsync(CancellationToken cancellationToken);

    /// <summary>Why the last attempt to discover failed (the last good set is kept meanwhile), or null.</summary>
    string? Error { get; }
}
