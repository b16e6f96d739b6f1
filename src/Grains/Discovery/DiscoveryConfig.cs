using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Discovery;

/// <summary>One service-discovery entry of a scrape job, as read from the file; makes its discoverer.</summary>
public abstract class DiscoveryConfig
{
    /// <summary>The key it was read from: <c>static_configs</c>, <c>file_sd_configs</c>, <c>http_sd_configs</c>, <c>kubernetes_sd_configs</c>.</summary>
    public abstract string Mechanism { get; }

    public abstract ITargetDiscoverer Create(DiscoveryContext context);
}

/// <summary>What a discoverer may use: the job's name (for group sources, logs), a clock, loggers, and where to count errors.</summary>
public sealed record DiscoveryContext(string JobName, TimeProvider Time, ILoggerFactory Loggers, DiscoveryMetrics? Metrics = null);
