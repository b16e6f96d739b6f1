using System.Net.Http.Json;
using System.Text.Json;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Pipeline.Contracts.Metrics;
using Pipeline.Tests.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>
/// <c>containers:</c> in the silo executable on a fixture node: cAdvisor series named from the pod cache reach
/// remote_write, and <c>GET /api/containers/stats</c> answers the docker stats table.
/// </summary>
public sealed class ContainerStatsSiloTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public async Task The_silo_sends_named_container_series_to_remote_write_and_answers_docker_stats()
    {
        using var node = new NodeFixture("v2-systemd-containerd");
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(Pod());
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            node_name: node-1
            logs:
              kubernetes:
                enabled: true
                api_server: {api.Uri}
            containers:
              enabled: true
              interval: 1s
              cgroup_root: {node.Cgroups.CgroupRoot}
              proc_root: {node.Cgroups.ProcRoot}
            remote_write:
              - url: {receiver.WriteUrl}
                queue_config:
                  batch_send_deadline: 100ms
            """);

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();

        var workingSet = await Eventually.Until(
            () => Task.FromResult(receiver.Samples.FirstOrDefault(s =>
                s.Series.Contains("__name__=\"container_memory_working_set_bytes\"", StringComparison.Ordinal) && s.Series.Contains("container=\"cart\"", StringComparison.Ordinal))),
            s => s is not null,
            "the cart container's working set, named, at the receiver");
        Assert.Equal(94_371_840, workingSet!.Value);
        Assert.Equal(
            $"__name__=\"container_memory_working_set_bytes\",container=\"cart\",id=\"{node.GuaranteedPath}\",image=\"registry.local/cart:1.4\",namespace=\"shop\",pod=\"cart-0\"",
            workingSet.Series);

        // The table needs two collections for CPU %; the fixture's counters stand still, so it reads 0.
        var stats = await Eventually.Until(
            () => silo.Http.GetFromJsonAsync<JsonElement>("/api/containers/stats"),
            s => s.GetProperty("data").GetProperty("containers").EnumerateArray().Any(c => c.GetProperty("container").GetString() == "cart" && c.GetProperty("cpuPercent").ValueKind == JsonValueKind.Number),
            "a CPU % for the cart container");
        var data = stats.GetProperty("data");
        var nodeInfo = Assert.Single(data.GetProperty("nodes").EnumerateArray());
        Assert.Equal("node-1", nodeInfo.GetProperty("node").GetString());
        Assert.True(nodeInfo.GetProperty("collecting").GetBoolean());
        Assert.Equal("v2", nodeInfo.GetProperty("cgroup").GetString());
        var rows = data.GetProperty("containers").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        var cart = rows.Single(r => r.GetProperty("container").GetString() == "cart");
        Assert.Equal(NodeFixture.GuaranteedId, cart.GetProperty("id").GetString());
        Assert.Equal(NodeFixture.GuaranteedId[..12], cart.GetProperty("shortId").GetString());
        Assert.Equal("shop", cart.GetProperty("namespace").GetString());
        Assert.Equal(0.0, cart.GetProperty("cpuPercent").GetDouble());
        Assert.Equal(94_371_840, cart.GetProperty("memoryUsageBytes").GetInt64());
        Assert.Equal(268_435_456, cart.GetProperty("memoryLimitBytes").GetInt64());
        Assert.Equal(35.16, cart.GetProperty("memoryPercent").GetDouble());
        Assert.Equal(4096, cart.GetProperty("blockReadBytes").GetInt64());

        // Only cart-0 is known to the API: its sandbox and the two other pods' containers are unenriched.
        var metrics = await silo.Http.GetStringAsync("/metrics");
        Assert.Contains("pipeline_containers{node=\"node-1\"} 4\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pipeline_containers_unenriched{node=\"node-1\"} 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pipeline_container_collections_total{node=\"node-1\",result=\"failed\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pipeline_container_files_skipped_total{node=\"node-1\",reason=\"garbled\"} 0\n", metrics, StringComparison.Ordinal);

        var other = await silo.Http.GetFromJsonAsync<JsonElement>("/api/containers/stats?node=node-2");
        Assert.Empty(other.GetProperty("data").GetProperty("containers").EnumerateArray());
    }

    [Fact]
    public void A_nodes_table_round_trips_through_the_orleans_serializer()
    {
        var table = new NodeContainerStats
        {
            Node = "node-1",
            Silo = "silo-a",
            Collecting = true,
            CgroupVersion = "v1",
            TimeUnixMs = 1_764_064_800_000,
            Rows =
            [
                new ContainerStatsEntry
                {
                    Node = "node-1", ContainerId = "abc", Namespace = "shop", Pod = "web", Container = "nginx", Image = "nginx:1",
                    CpuPercent = 12.5, MemoryUsageBytes = 10, MemoryLimitBytes = 20, MemoryPercent = 50, NetworkReceiveBytes = 1,
                    NetworkTransmitBytes = 2, BlockReadBytes = 3, BlockWriteBytes = 4,
                },
                new ContainerStatsEntry { Node = "node-1", ContainerId = "def" },
            ],
        };

        var copy = Serializer.Deserialize<NodeContainerStats>(Serializer.SerializeToArray(table))!;

        Assert.Equal(table with { Rows = [] }, copy with { Rows = [] });
        Assert.Equal(table.Rows, copy.Rows);
    }

    private static V1Pod Pod() => new()
    {
        Metadata = new V1ObjectMeta { Name = "cart-0", NamespaceProperty = "shop", Uid = NodeFixture.GuaranteedUid },
        Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "cart", Image = "registry.local/cart:1.4" }] },
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "cart", Image = "registry.local/cart:1.4", ImageID = "sha256:c4", ContainerID = "containerd://" + NodeFixture.GuaranteedId,
                    Ready = true, RestartCount = 0,
                },
            ],
        },
    };
}
