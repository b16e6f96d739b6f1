using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Search;
using Pipeline.Grains.Store.Embedded;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Hosting;

/// <summary>The one entry point that puts the pipeline's stages on a silo.</summary>
public static class PipelineSiloBuilderExtensions
{
    public static ISiloBuilder AddPipeline(this ISiloBuilder silo, PipelineConfig config)
    {
        silo.UseSiloMetadata(new Dictionary<string, string> { [SiloMetadataKeys.Node] = config.NodeName });
        var services = silo.Services;
        services.AddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        services.AddPlacementDirector<SiloPlacement, SiloPlacementDirector>();
        services.AddSingleton<LogSearchFanOut>();

        foreach (var output in config.Logs.Outputs)
        {
            switch (output.Type)
            {
                case LogOutputType.Null:
                    services.AddSingleton<ILogOutput, NullLogOutput>();
                    break;
                case LogOutputType.Embedded:
                    var retention = output.RetentionDays;
                    services.AddSingleton(sp => new EmbeddedLogStore(
                        Options.Create(new EmbeddedLogStoreOptions { DatabasePath = Path.Combine(config.DataDir, "logs.db"), RetentionDays = retention }),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<EmbeddedLogStore>>()));
                    services.AddSingleton<ILogOutput, EmbeddedLogOutput>();
                    services.AddHostedService<EmbeddedStoreRetention>();
                    break;
                case LogOutputType.Elasticsearch:
                    // Needs an IDeadLetterSink: without one the aggregator fails to activate and batches are retried, never dropped.
                    services.AddElasticsearchLogOutput(output.Elasticsearch!);
                    break;
            }
        }

        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, NodeCollectorStarter>();
        return silo;
    }
}
