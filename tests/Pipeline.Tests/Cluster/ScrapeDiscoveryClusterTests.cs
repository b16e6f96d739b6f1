using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Targets;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Cluster;

/// <summary>
/// Discovery driving the target grains on a silo: a file_sd file adds and removes targets, relabeling
/// drops some, and a target that goes away gets staleness markers for its series.
/// </summary>
public sealed class ScrapeDiscoveryClusterTests
{
    [Fact]
    public async Task Targets_follow_the_file_dropped_ones_are_counted_and_a_removed_target_goes_stale()
    {
        await using var farm = await ScrapeTargetFarm.StartAsync((target, n) => new TargetAnswer($"requests_total{{target=\"{target}\"}} {n}\n"));
        using var dir = new TempDirectory();
        var targetsFile = dir.Combine("targets.json");
        await File.WriteAllTextAsync(targetsFile, TargetsJson(farm.Address, 0, 1, 2, 3));
        var sink = new RecordingSink();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.Services.AddSingleton<IScrapeSampleSink>(sink);
            silo.AddPipeline(PipelineConfigLoader.Parse($$"""
                data_dir: {{dir.Combine("data")}}
                scrape_configs:
                  - job_name: files
                    scrape_interval: 500ms
                    scrape_timeout: 400ms
                    file_sd_configs:
                      - files: ['{{dir.Combine("*.json")}}']
                    relabel_configs:
                      - source_labels: [target]
                        regex: '3'
                        action: drop
                """));
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var discovery = cluster.Client.GetGrain<IDiscoveryGrain>("files");

        var pool = await Eventually.Until(() => discovery.GetTargets(), p => p.Active.Count == 3 && p.Active.All(t => t.Health == "up"), "three targets up");
        Assert.Equal(1, pool.DroppedCount);
        Assert.Equal("3", pool.Dropped.Single().Single(l => l.Key == "target").Value);
        Assert.Equal(dir.Combine("targets.json"), pool.Active[0].DiscoveredLabels.Single(l => l.Key == "__meta_filepath").Value);

        // Target 1 leaves the file: it is stopped, and its series and its synthetic ones are marked stale.
        await File.WriteAllTextAsync(targetsFile, TargetsJson(farm.Address, 0, 2, 3));
        await Eventually.Until(() => discovery.GetTargets(), p => p.Active.Count == 2, "target 1 removed");
        var stale = await Eventually.Until(
            () => Task.FromResult(sink.Stale(target: "1")),
            names => names.Contains("requests_total") && names.Contains("up"),
            "staleness markers for target 1");
        Assert.Contains("scrape_duration_seconds", stale);
        var requestsAtStop = farm.Requests(1);
        var target0 = farm.Requests(0);
        await Eventually.Until(() => Task.FromResult(farm.Requests(0)), n => n >= target0 + 2, "two more scrapes of target 0");
        Assert.Equal(requestsAtStop, farm.Requests(1));
        Assert.Empty(sink.Stale(target: "0"));

        // A new target in the file is scraped.
        await File.WriteAllTextAsync(targetsFile, TargetsJson(farm.Address, 0, 2, 3, 4));
        await Eventually.Until(() => Task.FromResult(farm.Requests(4)), n => n >= 1, "target 4 scraped");
    }

    private static string TargetsJson(string address, params int[] targets) =>
        "[" + string.Join(",", targets.Select(t => $$$"""{"targets": ["{{{address}}}"], "labels": {"__metrics_path__": "{{{ScrapeTargetFarm.PathOf(t)}}}", "target": "{{{t}}}"}}""")) + "]";

    private sealed class RecordingSink : IScrapeSampleSink
    {
        private readonly List<RemoteWriteSample> _samples = [];

        public void Append(ReadOnlySpan<RemoteWriteSample> samples)
        {
            lock (_samples)
            {
                _samples.AddRange(samples);
            }
        }

        /// <summary>Names of the series of one target that got a staleness marker.</summary>
        public HashSet<string> Stale(string target)
        {
            lock (_samples)
            {
                return [.. _samples
                    .Where(s => StaleMarker.Is(s.Value) && s.Series.DecodeLabels().Any(l => l.Name == "target" && l.Value == target))
                    .Select(s => s.Series.DecodeLabels().Single(l => l.Name == "__name__").Value)];
            }
        }
    }
}
