using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Pipeline.Grains.Collection;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Metrics.Query;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Pool;
using Pipeline.Grains.Search;
using Pipeline.Grains.Search.Elasticsearch;
using Pipeline.Grains.Store.Embedded;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;

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
        AddKubernetesMetadata(services, config);
        services.TryAddSingleton<INamespaceLabels, UnknownNamespaceLabels>();
        services.AddSingleton(sp => new TenantDirectory(config, sp.GetRequiredService<INamespaceLabels>()));
        services.AddLogFilters(config);
        services.AddSingleton<IFilterChainFactory>(sp => sp.GetRequiredService<FilterChainFactory>());
        services.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        services.AddPlacementDirector<SiloPlacement, SiloPlacementDirector>();
        services.AddSingleton<LogSearchFanOut>();
        services.AddSingleton(sp => new DeadLetterStore(config.DataDir, sp.GetRequiredService<ILogger<DeadLetterStore>>()));
        services.AddSingleton<IDeadLetterSink>(sp => sp.GetRequiredService<DeadLetterStore>());
        services.AddSingleton<DeadLetterReplayer>();
        services.AddSingleton<DeadLetterFanOut>();

        foreach (var output in config.Logs.Outputs)
        {
            var name = output.Name;
            switch (output.Type)
            {
                case LogOutputType.Null:
                    services.AddSingleton<ILogOutput>(new NullLogOutput(name));
                    break;
                case LogOutputType.Embedded:
                    var retention = output.RetentionDays;
                    services.AddSingleton(sp => new EmbeddedLogStore(
                        Options.Create(new EmbeddedLogStoreOptions { DatabasePath = Path.Combine(config.DataDir, "logs.db"), RetentionDays = retention }),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<EmbeddedLogStore>>()));
                    services.AddSingleton<ILogOutput>(sp => new EmbeddedLogOutput(sp.GetRequiredService<EmbeddedLogStore>(), name));
                    services.AddHostedService<EmbeddedStoreRetention>();
                    break;
                case LogOutputType.Elasticsearch:
                    // Needs an IDeadLetterSink: without one the aggregator fails to activate and batches are retried, never dropped.
                    var elasticsearch = output.Elasticsearch!;
                    elasticsearch.Name = name;
                    // A tenant's index_prefix joins the output's own per-tenant prefixes (the tenant's entry wins).
                    var prefixes = new Dictionary<string, string>(elasticsearch.TenantIndexPrefixes, StringComparer.Ordinal);
                    foreach (var tenant in config.Tenants.Where(t => t.IndexPrefix is not null))
                    {
                        prefixes[tenant.Name] = tenant.IndexPrefix!;
                    }

                    elasticsearch.TenantIndexPrefixes = prefixes;
                    services.AddElasticsearchLogOutput(elasticsearch);
                    services.AddKeyedSingleton(name, (sp, _) => new ElasticsearchLogSearch(elasticsearch, sp.GetRequiredService<ILogger<ElasticsearchLogSearch>>()));
                    break;
            }
        }

        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, NodeCollectorStarter>();
        services.AddHostedService<TailPathCheck>();

        services.AddPlacementDirector<TargetPlacement, TargetPlacementDirector>();
        services.AddSingleton<ScrapeJobs>();
        services.AddSingleton<ScrapeMetrics>();
        services.AddSingleton(sp => new DiscoveryMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), PipelineMetrics.MeterName));
        services.AddMetricStore(config);
        services.AddSingleton<ScrapeSampleFanOut>();
        services.TryAddSingleton<MetricMetadataRegistry>();
        services.TryAddSingleton<IScrapeSampleSink>(sp => sp.GetRequiredService<ScrapeSampleFanOut>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ScrapeStarter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RemoteWriteFlushOnStop>();

        // The whole stop, SIGTERM to exit, within shutdown_timeout: stages still running then are cut short.
        services.Configure<HostOptions>(options => options.ShutdownTimeout = config.ShutdownTimeout);
        services.AddContainerMetrics(config);
        return silo;
    }

    /// <summary>
    /// <c>storage</c>: this silo's metric store (written by the sample sink, read by this silo's
    /// <see cref="MetricQueryGrain"/>) and the cluster-wide query side: <see cref="ClusterSeriesSource"/>
    /// and the PromQL engine. The query side is there with the store off too (it then finds nothing here).
    /// </summary>
    private static void AddMetricStore(this IServiceCollection services, PipelineConfig config)
    {
        if (config.Storage.Enabled)
        {
            var check = new MetricStoreOptionsValidator().Validate(null, config.Storage);
            if (check.Failed)
            {
                throw new PipelineConfigException([.. check.Failures]);
            }

            services.AddSingleton(sp => new MetricStore(config.Storage, sp.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddKeyedSingleton<ISeriesSource>(MetricQueryGrain.LocalStoreKey, (sp, _) => sp.GetRequiredService<MetricStore>());
        }

        services.AddSingleton<ClusterSeriesSource>();
        services.TryAddSingleton(new PromQlEngine());
    }

    /// <summary>
    /// <c>logs.kubernetes</c>: the watch of this node's pods that collectors enrich records from, and the
    /// namespace watch that feeds tenants' <c>namespace_labels</c> rules (replacing <see cref="UnknownNamespaceLabels"/>).
    /// </summary>
    private static void AddKubernetesMetadata(IServiceCollection services, PipelineConfig config)
    {
        var kubernetes = config.Logs.Kubernetes;
        if (!kubernetes.Enabled)
        {
            return;
        }

        if (kubernetes.WatchesNamespaces(config.Tenants))
        {
            services.AddSingleton(sp => new KubernetesNamespaceLabels(
                kubernetes.Connection(), sp.GetRequiredService<ILogger<KubernetesNamespaceLabels>>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<INamespaceLabels>(sp => sp.GetRequiredService<KubernetesNamespaceLabels>());
        }

        services.AddSingleton(sp => new PodMetadataCache(
            config.NodeName, kubernetes.Connection(), sp.GetRequiredService<ILogger<PodMetadataCache>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PodEnrichment(
            sp.GetRequiredService<PodMetadataCache>(), kubernetes, sp.GetService<KubernetesNamespaceLabels>()));
        services.AddHostedService<KubernetesMetadataWatches>();
    }
}
