using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Metrics.Query;
using Pipeline.Tests.Support;
using Xunit;
using MatchType = Pipeline.Grains.Metrics.MatchType;

namespace Pipeline.Tests.Cluster;

/// <summary>
/// The query path on a three-silo cluster: target grains spread over the silos scrape into their
/// own silo's store, and a query on any silo reads every silo's store and merges.
/// </summary>
public sealed class MetricQueryClusterTests
{
    private const int Targets = 30;
    private const int Silos = 3;

    [Fact]
    public async Task A_query_on_one_silo_sees_the_series_every_silo_scraped_into_its_own_store()
    {
        await using var farm = await ScrapeTargetFarm.StartAsync((target, n) => new TargetAnswer($"# TYPE farm_requests counter\nfarm_requests_total{{target=\"{target}\"}} {n}\n"));
        var statics = string.Join("\n", Enumerable.Range(0, Targets).Select(t => $$"""
                  - targets: ['{{farm.Address}}']
                    labels: {__metrics_path__: /t/{{t}}, target: '{{t}}'}
            """));
        var yaml = $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: farm
                static_configs:
            {{statics}}
            """;
        using var data = new TempDirectory();
        var builder = new InProcessTestClusterBuilder(Silos);
        var silo = 0;
        builder.ConfigureSilo((options, siloBuilder) =>
            siloBuilder.AddPipeline(PipelineConfigLoader.Parse($"node_name: node-{silo++}\ndata_dir: {data.Combine(options.SiloName)}\n{yaml}")));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var stores = cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<Pipeline.Grains.Metrics.Store.MetricStore>()).ToList();
        var services = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
        var source = services.GetRequiredService<ClusterSeriesSource>();
        var selector = new[] { new LabelMatcher(MatchType.Equal, "__name__", "farm_requests_total") };

        // Once the targets are spread, each silo holds the series its own target grains scrape. Only recent samples
        // count: targets placed before every silo joined were scraped on the first one, whose store keeps those series.
        await Eventually.Until(
            () => Task.WhenAll(stores.Select(async s =>
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                return (await s.SelectAsync(selector, now - 2_500, now, CancellationToken.None)).Count;
            })),
            counts => counts.All(c => c > 0) && counts.Sum() == Targets,
            "each target scraped into one silo's store, every silo scraping some",
            TimeSpan.FromSeconds(60));

        // One query on one silo finds every target's series, from all three stores.
        await Eventually.Until(
            async () => (await source.SelectAsync(selector, 0, long.MaxValue, CancellationToken.None)).Count,
            count => count == Targets,
            $"all {Targets} targets' series found through one silo",
            TimeSpan.FromSeconds(60));

        // PromQL over the cluster: the count of series and a per-target rate, evaluated on the receiving silo.
        var engine = services.GetRequiredService<PromQlEngine>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var count = await engine.InstantQueryAsync(source, "count(farm_requests_total)", now, CancellationToken.None);
        Assert.Equal(Targets, Assert.Single(count.Vector).Value);
        var targets = await source.LabelValuesAsync("target", selector, 0, long.MaxValue, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, Targets).Select(t => $"{t}").Order(StringComparer.Ordinal), targets);
    }
}
