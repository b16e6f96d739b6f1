using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Discovery.Kubernetes;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Discovery;

public sealed class DiscoveryConfigReaderTests
{
    [Fact]
    public void Every_mechanism_is_read_in_order_with_prometheus_defaults()
    {
        var (configs, errors) = Read("""
            job_name: nodes
            scrape_interval: 15s
            kubernetes_sd_configs:
              - role: endpointslice
                kubeconfig_file: /etc/kube/config
                namespaces: {names: [shop, payments], own_namespace: true}
                selectors:
                  - role: endpointslice
                    label: app=web
                    field: metadata.name=web
            http_sd_configs:
              - url: https://inventory:8443/targets
                basic_auth: {username: sd, password_file: /etc/sd/password}
                tls_config: {ca_file: /etc/sd/ca.pem}
              - url: http://inventory:8080/targets
                refresh_interval: 2m
            file_sd_configs:
              - files: [/etc/targets/*.json, /etc/targets/web.yml]
              - files: [/etc/more/*.yaml]
                refresh_interval: 30s
            static_configs:
              - targets: [10.0.0.1:9100, node-2:9100]
                labels: {env: prod}
              - targets: [10.0.0.3:9100]
            """);

        Assert.Empty(errors);
        Assert.Equal(
            ["static_configs", "static_configs", "file_sd_configs", "file_sd_configs", "http_sd_configs", "http_sd_configs", "kubernetes_sd_configs"],
            configs.Select(c => c.Mechanism));
        var static0 = (StaticDiscoveryConfig)configs[0];
        Assert.Equal(["10.0.0.1:9100", "node-2:9100"], static0.Targets);
        Assert.Equal("prod", static0.Labels["env"]);
        var group = ((StaticDiscoveryConfig)configs[1]).ToGroup();
        Assert.Equal(("1", "10.0.0.3:9100"), (group.Source, group.Targets[0]["__address__"]));
        var file0 = (FileDiscoveryConfig)configs[2];
        Assert.Equal(["/etc/targets/*.json", "/etc/targets/web.yml"], file0.Files);
        Assert.Equal(TimeSpan.FromMinutes(5), file0.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), ((FileDiscoveryConfig)configs[3]).RefreshInterval);
        var http0 = (HttpDiscoveryConfig)configs[4];
        Assert.Equal((new Uri("https://inventory:8443/targets"), TimeSpan.FromSeconds(60)), (http0.Url, http0.RefreshInterval));
        Assert.Equal(("sd", "/etc/sd/password", "/etc/sd/ca.pem"), (http0.Http.BasicAuthUsername, http0.Http.BasicAuthPasswordFile, http0.Http.TlsCaFile));
        Assert.Equal(TimeSpan.FromMinutes(2), ((HttpDiscoveryConfig)configs[5]).RefreshInterval);
        var kubernetes = ((KubernetesDiscoveryConfig)configs[6]).Options;
        Assert.Equal(KubernetesRole.EndpointSlice, kubernetes.Role);
        Assert.Equal("/etc/kube/config", kubernetes.KubeConfigFile);
        Assert.Equal(["shop", "payments"], kubernetes.Namespaces);
        Assert.True(kubernetes.OwnNamespace);
        Assert.Equal(("app=web", "metadata.name=web"), (kubernetes.LabelSelector, kubernetes.FieldSelector));
    }

    [Fact]
    public void A_job_without_discovery_has_none_and_its_own_keys_are_left_to_the_caller()
    {
        var (configs, errors) = Read("""
            job_name: empty
            metrics_path: /metrics
            """);

        Assert.Empty(configs);
        Assert.Empty(errors);
    }

    [Fact]
    public void Mistakes_name_their_key_and_line()
    {
        var (_, errors) = Read("""
            job_name: broken
            static_configs:
              - targets: [http://10.0.0.1:9100/metrics, 10.0.0.2:9100]
                labels: {env: prod}
                label: {typo: yes}
            file_sd_configs:
              - files: [/etc/targets/*.txt, /etc/*/web.json]
                refresh_interval: soon
              - refresh_interval: 1m
            http_sd_configs:
              - url: inventory:8080/targets
              - refresh_interval: 1m
            kubernetes_sd_configs:
              - role: endpoints
              - role: pod
                selectors:
                  - role: service
                    label: app=web
                bearer_token: abc
              - role: node
                api_server: https://10.0.0.1:6443
                kubeconfig_file: /etc/kube/config
                namespaces: {names: [shop], own: true}
            """);

        Assert.Contains("scrape_configs[0].static_configs[0].targets (line 3): 'http://10.0.0.1:9100/metrics' is not a host:port", errors[0], StringComparison.Ordinal);
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].static_configs[0].label (line 5): unknown key 'label'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].file_sd_configs[0].files (line 7): '/etc/targets/*.txt' does not end in .json, .yml or .yaml", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].file_sd_configs[0].files (line 7): '/etc/*/web.json': only the last path segment", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].file_sd_configs[0].refresh_interval (line 8): 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].file_sd_configs[1] (line 9): a file_sd_configs entry needs 'files'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].http_sd_configs[0].url (line 11): 'inventory:8080/targets' is not an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].http_sd_configs[1] (line 12): an http_sd_configs entry needs 'url'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[0].role (line 14): unknown role 'endpoints' (expected one of pod, node, service, endpointslice)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[1].selectors[0].role (line 17): a pod discovery selects only pod objects", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[1].bearer_token (line 19): HTTP client settings apply only to an explicit api_server", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[2].kubeconfig_file (line 22): use either api_server or kubeconfig_file", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[2].namespaces.own (line 23): unknown key 'own'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("scrape_configs[0].kubernetes_sd_configs[2].namespaces (line 23): nodes belong to no namespace", StringComparison.Ordinal));
    }

    private static (List<DiscoveryConfig> Configs, List<string> Errors) Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var errors = new List<string>();
        var configs = DiscoveryConfigReader.Read(new ConfigNode((YamlMappingNode)stream.Documents[0].RootNode, "scrape_configs[0]", errors));
        return (configs, errors);
    }
}
