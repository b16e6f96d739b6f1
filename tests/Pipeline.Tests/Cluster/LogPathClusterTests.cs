using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Aggregation;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.Search;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Cluster;

/// <summary>The whole log path on an in-process cluster: one silo per node, files on each node.</summary>
public sealed class LogPathClusterTests
{
    private static readonly string[] Namespaces = ["shop", "payments", "monitoring", "auth", "search", "batch"];
    private const int LinesPerFile = 150;

    [Fact]
    public async Task Three_silos_place_collectors_on_their_nodes_spread_aggregators_and_store_what_one_silo_stores()
    {
        using var files = new TempDirectory();
        var expected = WriteNodeFiles(files, nodes: 3);

        var three = await RunClusterAsync(files, silos: 3, expected);
        var one = await RunClusterAsync(files, silos: 1, expected);

        foreach (var (node, silo) in three.CollectorSilos)
        {
            Assert.Equal(three.SiloOfNode[node], silo);
        }

        Assert.True(three.SilosWithAggregators >= 2, $"aggregators ran on {three.SilosWithAggregators} silo(s) of 3");
        Assert.Equal(expected, three.Stored.Count);
        Assert.Equal(one.Stored, three.Stored);
    }

    /// <summary>Each node gets its own directory with files of every namespace, in both formats.</summary>
    private static int WriteNodeFiles(TempDirectory files, int nodes)
    {
        var total = 0;
        for (var n = 0; n < nodes; n++)
        {
            foreach (var (ns, i) in Namespaces.Select((ns, i) => (ns, i)))
            {
                var cri = i % 2 == 0;
                var file = new ContainerLogFile(ContainerLogFile.ContainersPath(files.Combine($"node-{n}"), ns, $"app-{i}-pod{n}", "main"), cri, TimeProvider.System);
                for (var line = 0; line < LinesPerFile; line++)
                {
                    file.Write($"node-{n} {ns} line {line}", line);
                    total++;
                }
            }
        }

        return total;
    }

    private static async Task<ClusterOutcome> RunClusterAsync(TempDirectory files, int silos, int expected)
    {
        using var data = new TempDirectory();
        var builder = new InProcessTestClusterBuilder((short)silos);
        var siloOfNode = new Dictionary<string, string>();
        builder.ConfigureSilo((options, silo) =>
        {
            var index = siloOfNode.Count;
            // With one silo, that silo is every node: it follows all the node directories.
            var nodeName = $"node-{index}";
            siloOfNode[nodeName] = options.SiloName;
            var paths = silos == 1
                ? Enumerable.Range(0, 3).Select(n => Path.Combine(files.Path, $"node-{n}", "*.log")).ToList()
                : [Path.Combine(files.Path, nodeName, "*.log")];
            silo.AddPipeline(new PipelineConfig
            {
                NodeName = nodeName,
                DataDir = data.Combine(options.SiloName),
                Logs = new LogsConfig
                {
                    FlushInterval = TimeSpan.FromMilliseconds(50),
                    Inputs = [new TailInputConfig { Paths = paths, ReadFromHead = true, RefreshInterval = TimeSpan.FromMilliseconds(100) }],
                    Outputs = [new LogOutputConfig { Type = LogOutputType.Embedded }],
                },
            });
        });

        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var collectorSilos = new Dictionary<string, string>();
        foreach (var node in siloOfNode.Keys)
        {
            var status = await Eventually.Until(
                () => cluster.Client.GetGrain<INodeCollectorGrain>(node).GetStatus(),
                s => s.Drained && s.RecordsAcknowledged > 0,
                $"collector {node} to drain");
            collectorSilos[node] = status.Silo;
        }

        var search = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<LogSearchFanOut>();
        var result = await Eventually.Until(
            () => search.SearchAsync(new LogSearchRequest { Query = "", Limit = 10_000 }),
            r => r.Total >= expected,
            $"{expected} stored records");

        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var stats = await management.GetDetailedGrainStatistics();
        var silosWithAggregators = stats.Where(s => s.GrainType.Contains(nameof(AggregatorGrain), StringComparison.Ordinal)).Select(s => s.SiloAddress).Distinct().Count();

        var stored = result.Hits
            .Select(h => JsonDocument.Parse(h.Document).RootElement)
            .Select(d => $"{d.GetProperty("_id").GetString()}|{d.GetProperty("kubernetes").GetProperty("namespace_name").GetString()}|{d.GetProperty("log").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(result.Total, stored.Count);
        return new ClusterOutcome(siloOfNode, collectorSilos, silosWithAggregators, stored);
    }

    private sealed record ClusterOutcome(
        Dictionary<string, string> SiloOfNode,
        Dictionary<string, string> CollectorSilos,
        int SilosWithAggregators,
        List<string> Stored);
}
