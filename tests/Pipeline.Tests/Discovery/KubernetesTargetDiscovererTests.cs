using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Tests.Support;
using Xunit;
using YamlDotNet.RepresentationModel;
using static Pipeline.Tests.Discovery.DiscovererWatch;
using static Pipeline.Tests.Discovery.KubernetesObjects;

namespace Pipeline.Tests.Discovery;

/// <summary><c>kubernetes_sd_configs</c> read from YAML and run as an <see cref="ITargetDiscoverer"/> against the API stand-in.</summary>
public sealed class KubernetesTargetDiscovererTests
{
    [Fact]
    public async Task A_kubernetes_sd_config_watches_its_namespaces_with_its_selectors_and_yields_each_change()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(Pod("shop", "web-1", "10.1.0.1", labels: new() { ["app"] = "web" }, ports: 8080));
        api.Put(Pod("shop", "db-1", "10.1.0.2", labels: new() { ["app"] = "db" }, ports: 5432));
        api.Put(Pod("other", "web-2", "10.2.0.1", labels: new() { ["app"] = "web" }, ports: 8080));
        var config = Assert.IsType<KubernetesDiscoveryConfig>(Assert.Single(Read($"""
            job_name: pods
            kubernetes_sd_configs:
              - role: pod
                api_server: {api.Uri}
                namespaces:
                  names: [shop]
                selectors:
                  - role: pod
                    label: app=web
            """)));
        await using var watch = Start(config);

        var first = await watch.Until(s => s.Count == 1, "the one selected pod");
        api.Put(Pod("shop", "web-3", "10.1.0.3", labels: new() { ["app"] = "web" }, ports: 8080));
        var second = await watch.Until(s => s.Count == 2, "the new pod");

        Assert.Equal(["10.1.0.1:8080"], Addresses(first));
        Assert.Equal("web-1", first[0].MergedTargets().Single()["__meta_kubernetes_pod_name"]);
        Assert.Equal(["10.1.0.1:8080", "10.1.0.3:8080"], Addresses(second));
        Assert.All(api.Requests.Where(r => r.Resource == "pods"), r => Assert.Equal(("shop", "app=web"), (r.Namespace, r.LabelSelector)));
        Assert.Null(watch.Discoverer.Error);
    }

    [Fact]
    public async Task Own_namespace_adds_the_namespace_of_the_service_account()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(Pod("payments", "pay-1", "10.3.0.1", ports: 8080));
        api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        using var directory = new TempDirectory();
        var namespaceFile = directory.Combine("namespace");
        await File.WriteAllTextAsync(namespaceFile, "payments\n");
        var options = new KubernetesDiscoveryOptions { ApiServer = api.Uri, OwnNamespace = true, OwnNamespaceFile = namespaceFile };
        await using var watch = Start(new KubernetesDiscoveryConfig { Options = options });

        var set = await watch.Until(s => s.Count == 1, "the pod of the own namespace");

        Assert.Equal(["10.3.0.1:8080"], Addresses(set));
        Assert.Equal("/api/v1/namespaces/payments/pods", api.Lists("pods")[0].Path);
    }

    [Fact]
    public async Task A_discovery_that_cannot_start_yields_an_empty_set_and_says_what_to_set()
    {
        await using var watch = Start(new KubernetesDiscoveryConfig { Options = new KubernetesDiscoveryOptions { Role = KubernetesRole.Node } });

        var set = await watch.Until(_ => true, "the empty set");

        Assert.Empty(set);
        Assert.Contains("set one of them", watch.Discoverer.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_error_says_why_while_the_api_server_is_unreachable_and_clears_when_it_is_back()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        var options = new KubernetesDiscoveryOptions { ApiServer = api.Uri, MinRetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100) };
        await using var watch = Start(new KubernetesDiscoveryConfig { Options = options });
        await watch.Until(s => s.Count == 1, "the pod");

        await api.StopListeningAsync();
        var error = await watch.UntilError(e => e is not null, "a failed list or watch");
        Assert.Contains("(all namespaces)", error, StringComparison.Ordinal);
        Assert.Equal(["10.1.0.1:8080"], Addresses(watch.Latest));

        await api.StartListeningAsync();
        api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        await watch.Until(s => s.Count == 2, "the pod added once the server is back");
        await watch.UntilError(e => e is null, "the error to clear");
    }

    private static List<DiscoveryConfig> Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var errors = new List<string>();
        var configs = DiscoveryConfigReader.Read(new ConfigNode((YamlMappingNode)stream.Documents[0].RootNode, "scrape_configs[0]", errors));
        Assert.Empty(errors);
        return configs;
    }
}
