using k8s.Models;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Kubernetes;

/// <summary><c>logs.kubernetes</c> in the silo executable, talking to the API stand-in: wiring, store, search and metrics.</summary>
public sealed class PodMetadataSiloTests
{
    [Fact]
    public async Task The_silo_stores_pod_labels_leaves_out_excluded_pods_and_routes_tenants_by_namespace_labels()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(new V1Namespace { Metadata = new V1ObjectMeta { Name = "checkout", Labels = new Dictionary<string, string> { ["team"] = "shop" } } });
        api.Put(Pod("checkout", "web", new() { ["app"] = "web" }, null));
        api.Put(Pod("checkout", "noisy", new() { ["app"] = "noisy" }, new() { ["fluentbit.io/exclude"] = "true" }));
        using var dir = new TempDirectory();
        var web = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "checkout", "web", "main"), cri: false, TimeProvider.System);
        var noisy = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "checkout", "noisy", "main"), cri: true, TimeProvider.System);
        for (var i = 0; i < 30; i++)
        {
            web.Write($"GET /cart {i}", i);
            noisy.Write($"noise {i}", i);
        }

        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            node_name: node-1
            logs:
              flush_interval: 100ms
              kubernetes:
                enabled: true
                api_server: {api.Uri}
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
              outputs:
                - type: embedded
            tenants:
              - name: shop
                namespace_labels:
                  team: shop
            """);

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();
        await Eventually.Until(() => silo.SearchTotalAsync("kubernetes.labels.app:web"), t => t >= 30, "the web pod's records with their labels");

        var hit = (await silo.SearchAsync("kubernetes.pod_name:web", 1)).GetProperty("hits")[0].GetProperty("kubernetes");
        Assert.Equal("web", hit.GetProperty("labels").GetProperty("app").GetString());
        Assert.Equal("registry.local/web:1", hit.GetProperty("container_image").GetString());
        Assert.Equal("uid-web", hit.GetProperty("pod_id").GetString());
        Assert.Equal(0, await silo.SearchTotalAsync("kubernetes.pod_name:noisy"));
        Assert.Equal(30, await silo.SearchTotalAsync(""));

        var metrics = await Eventually.Until(() => silo.Http.GetStringAsync("/metrics"), m => m.Contains("pipeline_log_records_excluded_total{node=\"node-1\"} 30", StringComparison.Ordinal), "the excluded records counted");
        Assert.Contains("pipeline_log_files_excluded{node=\"node-1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("tenant=\"shop\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant=\"checkout\"", metrics, StringComparison.Ordinal);
        Assert.Equal("spec.nodeName=node-1", api.Lists("pods")[0].FieldSelector);
    }

    private static V1Pod Pod(string ns, string name, Dictionary<string, string> labels, Dictionary<string, string>? annotations) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "uid-" + name, Labels = labels, Annotations = annotations },
        Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "main", Image = $"registry.local/{name}:1" }] },
    };
}
