using Microsoft.Extensions.Hosting;
using Pipeline.Grains.Collection;

namespace Pipeline.Grains.Hosting;

/// <summary>Runs the node's pod watch and, when tenants need it, the namespace watch, for as long as the silo lives.</summary>
internal sealed class KubernetesMetadataWatches(PodEnrichment enrichment) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each retries inside with backoff, so they end only when the silo stops.
        var pods = Task.Run(() => enrichment.Pods.RunAsync(stoppingToken), CancellationToken.None);
        var namespaces = enrichment.Namespaces is { } labels ? Task.Run(() => labels.RunAsync(stoppingToken), CancellationToken.None) : Task.CompletedTask;
        return Task.WhenAll(pods, namespaces);
    }
}
