using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Discovery.KubernetesObjects;

namespace Pipeline.Tests.Discovery;

public sealed class KubernetesDiscoveryConfigurationTests
{
    [Fact]
    public async Task A_kubeconfig_file_leads_to_its_current_contexts_api_server()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        using var dir = new TempDirectory("kubeconfig");
        var file = dir.Combine("config");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: v1
            kind: Config
            current-context: standin
            clusters:
            - name: standin
              cluster:
                server: {api.Uri.ToString().TrimEnd('/')}
            - name: elsewhere
              cluster:
                server: http://127.0.0.1:1
            contexts:
            - name: standin
              context:
                cluster: standin
                user: tester
                namespace: shop
            - name: other
              context:
                cluster: elsewhere
                user: tester
            users:
            - name: tester
              user:
                token: standin-token
            """);

        using var discovery = new KubernetesDiscovery(new KubernetesDiscoveryOptions { KubeConfigFile = file });
        using var stop = new CancellationTokenSource();
        var running = discovery.RunAsync(stop.Token);
        var snapshot = await Eventually.Until(() => Task.FromResult(discovery.Current), s => s is not null, "the pod through the kubeconfig's server");
        await stop.CancelAsync();
        await running;

        Assert.Equal(["10.1.0.1:8080"], DiscoveryRun.Addresses(snapshot));
        Assert.Equal("/api/v1/pods", api.Requests[0].Path);
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_with_the_key_at_fault()
    {
        var options = new KubernetesDiscoveryOptions { Role = KubernetesRole.Node, ApiServer = new Uri("ftp://10.0.0.1"), KubeConfigFile = "/nonexistent/kubeconfig" };
        options.Namespaces.Add("shop");

        var error = Assert.Throws<ArgumentException>(() => new KubernetesDiscovery(options));

        Assert.Contains("api_server: 'ftp://10.0.0.1/' is not an absolute http or https URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubeconfig_file: '/nonexistent/kubeconfig' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("namespaces: nodes belong to no namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_api_server_kubeconfig_or_service_account_the_error_says_what_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new KubernetesDiscovery(new KubernetesDiscoveryOptions()));
        Assert.Contains("set one of them", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pod", KubernetesRole.Pod)]
    [InlineData("node", KubernetesRole.Node)]
    [InlineData("service", KubernetesRole.Service)]
    [InlineData("endpointslice", KubernetesRole.EndpointSlice)]
    public void Prometheus_role_names_parse(string name, KubernetesRole role) => Assert.Equal(role, KubernetesDiscovery.ParseRole(name));

    [Fact]
    public void An_unknown_role_names_the_ones_expected() =>
        Assert.Contains("expected one of pod, node, service, endpointslice", Assert.Throws<ArgumentException>(() => KubernetesDiscovery.ParseRole("endpoints")).Message, StringComparison.Ordinal);
}
