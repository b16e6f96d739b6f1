using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Cluster;

/// <summary>
/// Three <c>Pipeline.Silo</c> processes, each the silo of its own node (own <c>node_name</c>, data
/// directory, log directory and ports), find each other in a real Redis and form one cluster: a
/// search sent to any of them answers from all three. A silo of another <c>cluster_id</c> in the
/// same Redis stays out.
/// </summary>
public sealed class RedisClusterTests
{
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c"];

    [Fact]
    public async Task Three_silo_processes_on_redis_membership_answer_searches_from_every_node()
    {
        using var dir = new TempDirectory();
        await using var redis = await RedisProcess.StartAsync();
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var node in Nodes)
            {
                silos.Add(SiloProcess.Start("--config", WriteConfig(dir, node, "prod", redis)));
            }

            foreach (var silo in silos)
            {
                await silo.WaitReadyAsync();
            }

            for (var i = 0; i < Nodes.Length; i++)
            {
                var file = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine(Nodes[i], "logs"), "shop", $"web-{i}", "app"), cri: false, TimeProvider.System);
                file.Write($"hello from {Nodes[i]}", 0);
            }

            // Each node's line is stored by its own silo's embedded store; any silo's search asks all of them.
            foreach (var silo in silos)
            {
                await Eventually.Until(() => silo.SearchTotalAsync("hello"), total => total == Nodes.Length, "every node's line found from one silo");
                foreach (var node in Nodes)
                {
                    Assert.Equal(1, await silo.SearchTotalAsync($"\"hello from {node}\""));
                }
            }

            // Another cluster_id in the same Redis is another cluster: it sees only its own node.
            await using var stranger = SiloProcess.Start("--config", WriteConfig(dir, "node-x", "staging", redis));
            await stranger.WaitReadyAsync();
            var strangerFile = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("node-x", "logs"), "shop", "web-x", "app"), cri: false, TimeProvider.System);
            strangerFile.Write("hello from node-x", 0);
            await Eventually.Until(() => stranger.SearchTotalAsync("hello"), total => total >= 1, "the stranger's own line");
            Assert.Equal(1, await stranger.SearchTotalAsync("hello"));
            Assert.Equal(0, await silos[0].SearchTotalAsync("\"hello from node-x\""));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_silo_started_before_its_redis_waits_says_why_and_is_not_ready_until_redis_answers()
    {
        using var dir = new TempDirectory();
        var port = LoopbackPort.Free();
        await using var silo = SiloProcess.Start("--config", WriteConfig(dir, "node-a", "prod", $"127.0.0.1:{port}"));

        var notReady = await Eventually.Until(
            async () =>
            {
                try
                {
                    using var answer = await silo.Http.GetAsync("/readyz");
                    return answer.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable ? await answer.Content.ReadAsStringAsync() : "";
                }
                catch (HttpRequestException)
                {
                    return "";
                }
            },
            body => body.Length > 0,
            "readiness answering 503 while Redis is down");
        Assert.Contains("not active in its cluster", notReady, StringComparison.Ordinal);
        await Eventually.Until(() => Task.FromResult(silo.Output), output => output.Contains($"the membership store (redis 127.0.0.1:{port}) cannot be reached", StringComparison.Ordinal), "the reason on stderr");
        Assert.False(silo.HasExited);

        await using var redis = await RedisProcess.StartAsync(port);

        await silo.WaitReadyAsync();
        Assert.Contains("answers; joining the cluster", silo.Output, StringComparison.Ordinal);
    }

    private static string WriteConfig(TempDirectory dir, string node, string clusterId, RedisProcess redis) =>
        WriteConfig(dir, node, clusterId, redis.ConnectionString);

    private static string WriteConfig(TempDirectory dir, string node, string clusterId, string connection)
    {
        var config = dir.Combine($"{node}.yaml");
        Directory.CreateDirectory(dir.Combine(node, "logs"));
        File.WriteAllText(config, $"""
            node_name: {node}
            data_dir: {dir.Combine(node, "data")}
            cluster:
              membership: redis
              connection_string: "{connection}"
              cluster_id: {clusterId}
              advertised_address: 127.0.0.1
            logs:
              flush_interval: 100ms
              inputs:
                - type: tail
                  paths: ["{dir.Combine(node, "logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
              outputs:
                - type: embedded
            """);
        return config;
    }
}
