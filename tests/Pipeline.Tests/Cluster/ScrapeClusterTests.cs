using System.Text;
using Orleans.TestingHost;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Cluster;

/// <summary>
/// Target grains on a three-silo cluster: each target scraped by one scraper, never two, the targets
/// shared evenly, and taken over by the other silos when one leaves. Nothing asserts when a timer fires.
/// </summary>
public sealed class ScrapeClusterTests
{
    private const int Targets = 1000;
    private const int Silos = 3;
    private const int WindowIntervals = 5;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_thousand_targets_on_three_silos_each_have_one_scraper_and_spread_evenly()
    {
        await using var farm = await ScrapeTargetFarm.StartAsync((target, n) => new TargetAnswer($"# TYPE farm_requests counter\nfarm_requests_total{{target=\"{target}\"}} {n}\n"));
        var yaml = PipelineFile(farm.Address);
        using var data = new TempDirectory();
        var builder = new InProcessTestClusterBuilder(Silos);
        var silo = 0;
        builder.ConfigureSilo((options, siloBuilder) =>
        {
            var config = PipelineConfigLoader.Parse($"node_name: node-{silo++}\ndata_dir: {data.Combine(options.SiloName)}\n{yaml}");
            siloBuilder.AddPipeline(config);
        });

        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var discovery = cluster.Client.GetGrain<IDiscoveryGrain>("farm");

        // Placement settles once every silo has joined (targets first placed while silos were joining move then).
        var pool = await Eventually.Until(
            () => discovery.GetTargets(),
            p => p.Active.Count == Targets && SiloLoads(p).Count == Silos && SiloLoads(p).Values.All(WithinTenPercent),
            $"{Targets} targets spread over {Silos} silos",
            TimeSpan.FromSeconds(90));

        // Every target scraped at least once where it now runs before the window opens.
        var since = DateTimeOffset.UtcNow;
        await Eventually.Until(
            () => Task.FromResult(Enumerable.Range(0, Targets).Count(i => farm.Arrivals(i).Any(a => a > since + Interval))),
            scraped => scraped == Targets,
            "every target scraped after placement settled",
            TimeSpan.FromSeconds(60));

        // Count each target's scrapes over a window of whole intervals. One scraper runs one scrape at a time, each in
        // a slot of its own that starts after the scrape before it ended (ScrapeLoop): of the scrapes that arrive in
        // the window, all but the first belong to slots starting inside it. So one scraper lands at most
        // WindowIntervals + 1 scrapes there however late its timers fire, while two scrapers of one target (two
        // activations, a target on two silos) land about twice WindowIntervals. At least one says it is scraped at all.
        var windowStart = DateTimeOffset.UtcNow;
        var windowEnd = windowStart + (WindowIntervals * Interval);
        await Eventually.Until(
            () => Task.FromResult(Enumerable.Range(0, Targets).Count(i => farm.Arrivals(i).Any(a => a >= windowEnd))),
            done => done == Targets,
            "every target scraped after the window",
            TimeSpan.FromSeconds(60) + (WindowIntervals * Interval));

        var wrong = new List<string>();
        for (var i = 0; i < Targets; i++)
        {
            var inWindow = farm.Arrivals(i).Where(a => a >= windowStart && a < windowEnd).ToList();
            if (inWindow.Count is < 1 or > WindowIntervals + 1)
            {
                wrong.Add($"target {i}: {inWindow.Count} scrapes in {WindowIntervals} intervals, at {string.Join(" ", inWindow.Select(a => (a - windowStart).TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} targets not scraped by exactly one scraper (1 to {WindowIntervals + 1} scrapes in {WindowIntervals} intervals):\n{string.Join('\n', wrong.Take(20))}");

        pool = await discovery.GetTargets();
        var loads = SiloLoads(pool);
        Assert.Equal(Silos, loads.Count);
        Assert.All(loads.Values, load => Assert.True(WithinTenPercent(load), $"silo loads {string.Join(", ", loads.Values)}"));
        // Health is the last scrape's: one whose answer came after scrape_timeout (1 s; 3 silos and 1,000 targets share
        // 2 cores) is down for that while. Any other error means scraping is broken, and most targets are up.
        Assert.All(pool.Active, t => Assert.True(t.Health == "up" || t.LastError.Contains("context deadline exceeded", StringComparison.Ordinal), $"{t.ScrapeUrl} is {t.Health}: {t.LastError}"));
        Assert.True(pool.Active.Count(t => t.Health == "up") > Targets / 2, $"only {pool.Active.Count(t => t.Health == "up")} of {Targets} targets up");

        // A silo goes away: its targets come back on the two others, which share all of them evenly.
        var leaving = cluster.Silos[^1];
        await cluster.StopSiloAsync(leaving);
        var stopped = DateTimeOffset.UtcNow;
        pool = await Eventually.Until(
            () => discovery.GetTargets(),
            p => p.Active.Count == Targets && SiloLoads(p).Count == Silos - 1 && SiloLoads(p).Values.All(l => Math.Abs(l - (Targets / 2.0)) <= 0.1 * Targets / 2),
            $"{Targets} targets spread over the {Silos - 1} remaining silos",
            TimeSpan.FromSeconds(90));
        Assert.DoesNotContain(leaving.SiloAddress.ToParsableString(), SiloLoads(pool).Keys);
        await Eventually.Until(
            () => Task.FromResult(Enumerable.Range(0, Targets).Count(i => farm.Arrivals(i).Any(a => a > stopped + Interval))),
            scraped => scraped == Targets,
            "every target scraped again after the silo left",
            TimeSpan.FromSeconds(60));
    }

    private static bool WithinTenPercent(int load) => Math.Abs(load - ((double)Targets / Silos)) <= 0.1 * Targets / Silos;

    private static Dictionary<string, int> SiloLoads(ScrapePoolStatus pool) =>
        pool.Active.GroupBy(t => t.Silo).ToDictionary(g => g.Key, g => g.Count());

    private static string PipelineFile(string address)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("scrape_configs:");
        yaml.AppendLine("  - job_name: farm");
        yaml.AppendLine($"    scrape_interval: {(int)Interval.TotalSeconds}s");
        yaml.AppendLine("    scrape_timeout: 1s");
        yaml.AppendLine("    static_configs:");
        for (var i = 0; i < Targets; i++)
        {
            yaml.AppendLine($"      - targets: ['{address}']");
            yaml.AppendLine($"        labels: {{__metrics_path__: '{ScrapeTargetFarm.PathOf(i)}', target: '{i}'}}");
        }

        return yaml.ToString();
    }
}
