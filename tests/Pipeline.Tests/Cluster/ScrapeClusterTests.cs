using System.Text;
using Orleans.TestingHost;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.Scraping.Pool;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Cluster;

/// <summary>
/// Target grains on a three-silo cluster: each target scraped exactly once per interval, the targets
/// shared evenly, and taken over by the other silos when one leaves.
/// </summary>
public sealed class ScrapeClusterTests
{
    private const int Targets = 1000;
    private const int Silos = 3;
    private const int CheckedSlots = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_thousand_targets_on_three_silos_are_each_scraped_once_per_interval_and_spread_evenly()
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

        // Every target scraped at least once where it now runs, then watch whole slots from the next interval on.
        var since = DateTimeOffset.UtcNow;
        await Eventually.Until(
            () => Task.FromResult(Enumerable.Range(0, Targets).Count(i => farm.Arrivals(i).Any(a => a > since + Interval))),
            scraped => scraped == Targets,
            "every target scraped after placement settled",
            TimeSpan.FromSeconds(60));
        var windowStart = DateTimeOffset.UtcNow;
        var job = PipelineConfigLoader.Parse(yaml).Metrics.ScrapeJobs.Single();
        var builderForKeys = new TargetBuilder(job.Target);
        var schedules = Enumerable.Range(0, Targets)
            .Select(i => builderForKeys.Build(LabelSet.Of("__address__", farm.Address), LabelSet.Of("__metrics_path__", ScrapeTargetFarm.PathOf(i), "target", $"{i}")).Target!)
            .Select(t => ScrapeSchedule.For(t.Key, t.ScrapeInterval))
            .ToList();
        var firstSlots = schedules.Select(s => s.SlotOf(windowStart) + 1).ToList();

        // The window is over for a target once it was scraped in a slot after the checked ones.
        await Eventually.Until(
            () => Task.FromResult(Enumerable.Range(0, Targets).Count(i => farm.Arrivals(i).Any(a => schedules[i].SlotOf(a) >= firstSlots[i] + CheckedSlots))),
            done => done == Targets,
            $"every target scraped past its {CheckedSlots} checked slots",
            TimeSpan.FromSeconds(60));

        var wrong = new List<string>();
        for (var i = 0; i < Targets; i++)
        {
            var schedule = schedules[i];
            var slots = Enumerable.Range(0, CheckedSlots).Select(s => firstSlots[i] + s).ToList();
            var perSlot = farm.Arrivals(i).GroupBy(schedule.SlotOf).ToDictionary(g => g.Key, g => g.Count());
            var counts = slots.Select(s => perSlot.GetValueOrDefault(s)).ToList();
            if (counts.Any(c => c != 1))
            {
                wrong.Add($"target {i}: scrapes per slot {string.Join(",", counts)}; arrivals {string.Join(" ", farm.Arrivals(i).Select(a => (a - windowStart).TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} targets not scraped exactly once per interval:\n{string.Join('\n', wrong.Take(20))}");
        pool = await discovery.GetTargets();
        var loads = SiloLoads(pool);
        Assert.Equal(Silos, loads.Count);
        Assert.All(loads.Values, load => Assert.True(WithinTenPercent(load), $"silo loads {string.Join(", ", loads.Values)}"));
        Assert.All(pool.Active, t => Assert.Equal("up", t.Health));

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
