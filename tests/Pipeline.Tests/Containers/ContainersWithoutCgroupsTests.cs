using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>
/// <c>containers:</c> on a machine (or pod) without the host's cgroup hierarchy: the silo says it is not collecting and
/// why, in the stats API and in its metrics, instead of counting collections that read nothing as good ones.
/// </summary>
public sealed class ContainersWithoutCgroupsTests
{
    [Fact]
    public async Task The_stats_api_says_not_collecting_with_the_reason_and_collections_count_as_unavailable()
    {
        using var dir = new TempDirectory();
        var emptyRoot = dir.Combine("no-cgroups");
        Directory.CreateDirectory(emptyRoot);
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            node_name: node-1
            containers:
              enabled: true
              interval: 1s
              cgroup_root: {emptyRoot}
              proc_root: {emptyRoot}
            """);

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();
        var unavailable = await Eventually.Until(
            () => Counter(silo, "pipeline_container_collections_total{node=\"node-1\",result=\"unavailable\"}"), n => n >= 2, "unavailable collections");

        Assert.True(unavailable >= 2);
        Assert.Equal(0, await Counter(silo, "pipeline_container_collections_total{node=\"node-1\",result=\"ok\"}"));
        var stats = await silo.Http.GetFromJsonAsync<JsonElement>("/api/containers/stats");
        var node = Assert.Single(stats.GetProperty("data").GetProperty("nodes").EnumerateArray());
        Assert.False(node.GetProperty("collecting").GetBoolean());
        Assert.Equal("none", node.GetProperty("cgroup").GetString());
        Assert.StartsWith($"no cgroup hierarchy at {emptyRoot}: mount the host's /sys/fs/cgroup there", node.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("containers.cgroup_root", node.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static async Task<double> Counter(SiloProcess silo, string series)
    {
        var line = (await silo.Http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
