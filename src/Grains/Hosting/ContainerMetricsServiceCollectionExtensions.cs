using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// <c>containers.enabled</c>: the node's <see cref="ContainerMetricsCollector"/>, whose samples go to the sink the
/// scrapers write to (every <c>remote_write</c> queue) and whose container names come from the pod cache of
/// <c>logs.kubernetes</c> when that is on. The node collector grain runs it; the stats grain reads it.
/// </summary>
public static class ContainerMetricsServiceCollectionExtensions
{
    public static IServiceCollection AddContainerMetrics(this IServiceCollection services, PipelineConfig config)
    {
        if (!config.Containers.Enabled)
        {
            return services;
        }

        services.AddSingleton(sp =>
        {
            var collector = new ContainerMetricsCollector(
                config.Containers,
                sp.GetRequiredService<IScrapeSampleSink>(),
                sp.GetService<PodMetadataCache>() is { } pods ? new PodCacheContainerMetadata(pods) : null,
                sp.GetRequiredService<ILogger<ContainerMetricsCollector>>(),
                sp.GetRequiredService<TimeProvider>());

            // Its instruments live as long as the meter factory; they only read the collector's counters.
            _ = new ContainerMetricsTelemetry(sp.GetRequiredService<IMeterFactory>(), collector, config.NodeName);
            return collector;
        });
        return services;
    }
}
