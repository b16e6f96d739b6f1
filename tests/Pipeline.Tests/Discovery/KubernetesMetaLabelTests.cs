using k8s.Models;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Discovery;

/// <summary>The meta labels of each role, as Prometheus documents them for kubernetes_sd_configs, read through list and watch.</summary>
public sealed class KubernetesMetaLabelTests : IAsyncLifetime
{
    private KubernetesApiStandIn _api = null!;

    public async Task InitializeAsync() => _api = await KubernetesApiStandIn.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Pod_role_gives_one_target_per_container_port_and_one_per_portless_container_with_prometheus_meta_labels()
    {
        _api.Put(new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web-7c9d8f6b5-x2x4q",
                NamespaceProperty = "shop",
                Uid = "4f1c2d3e-0000-4000-8000-000000000001",
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web", ["pod-template-hash"] = "7c9d8f6b5" },
                Annotations = new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web-7c9d8f6b5", Uid = "rs-uid", Controller = true }],
            },
            Spec = new V1PodSpec
            {
                NodeName = "node-3",
                Containers =
                [
                    new V1Container
                    {
                        Name = "web",
                        Image = "nginx:1.27",
                        Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080, Protocol = "TCP" }, new V1ContainerPort { Name = "metrics", ContainerPort = 9102, Protocol = "TCP" }],
                    },
                    new V1Container { Name = "sidecar", Image = "envoy:1.31" },
                ],
                InitContainers = [new V1Container { Name = "init-db", Image = "busybox:1.36" }],
            },
            Status = new V1PodStatus
            {
                Phase = "Running",
                PodIP = "10.244.1.7",
                HostIP = "192.168.1.3",
                Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = "False" }],
                ContainerStatuses = [Status("web", "containerd://aaa"), Status("sidecar", "containerd://bbb")],
                InitContainerStatuses = [Status("init-db", "containerd://ccc")],
            },
        });
        await using var run = DiscoveryRun.Start(_api);
        var snapshot = await run.Until(s => s.Groups.Count == 1, "the pod");

        var group = Assert.Single(snapshot!.Groups);
        Assert.Equal("pod/shop/web-7c9d8f6b5-x2x4q", group.Source);
        var pod = new Dictionary<string, string>
        {
            ["__meta_kubernetes_namespace"] = "shop",
            ["__meta_kubernetes_pod_name"] = "web-7c9d8f6b5-x2x4q",
            ["__meta_kubernetes_pod_ip"] = "10.244.1.7",
            ["__meta_kubernetes_pod_ready"] = "false",
            ["__meta_kubernetes_pod_phase"] = "Running",
            ["__meta_kubernetes_pod_node_name"] = "node-3",
            ["__meta_kubernetes_pod_host_ip"] = "192.168.1.3",
            ["__meta_kubernetes_pod_uid"] = "4f1c2d3e-0000-4000-8000-000000000001",
            ["__meta_kubernetes_pod_controller_kind"] = "ReplicaSet",
            ["__meta_kubernetes_pod_controller_name"] = "web-7c9d8f6b5",
            ["__meta_kubernetes_pod_label_app_kubernetes_io_name"] = "web",
            ["__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name"] = "true",
            ["__meta_kubernetes_pod_label_pod_template_hash"] = "7c9d8f6b5",
            ["__meta_kubernetes_pod_labelpresent_pod_template_hash"] = "true",
            ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"] = "true",
            ["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"] = "true",
        };
        Assert.Equal(pod, group.Labels);

        Assert.Equal(4, group.Targets.Count);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "10.244.1.7:8080",
                ["__meta_kubernetes_pod_container_name"] = "web",
                ["__meta_kubernetes_pod_container_image"] = "nginx:1.27",
                ["__meta_kubernetes_pod_container_id"] = "containerd://aaa",
                ["__meta_kubernetes_pod_container_init"] = "false",
                ["__meta_kubernetes_pod_container_port_name"] = "http",
                ["__meta_kubernetes_pod_container_port_number"] = "8080",
                ["__meta_kubernetes_pod_container_port_protocol"] = "TCP",
            },
            group.Targets[0]);
        Assert.Equal(("10.244.1.7:9102", "metrics", "9102"), (group.Targets[1]["__address__"], group.Targets[1]["__meta_kubernetes_pod_container_port_name"], group.Targets[1]["__meta_kubernetes_pod_container_port_number"]));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "10.244.1.7",
                ["__meta_kubernetes_pod_container_name"] = "sidecar",
                ["__meta_kubernetes_pod_container_image"] = "envoy:1.31",
                ["__meta_kubernetes_pod_container_id"] = "containerd://bbb",
                ["__meta_kubernetes_pod_container_init"] = "false",
            },
            group.Targets[2]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "10.244.1.7",
                ["__meta_kubernetes_pod_container_name"] = "init-db",
                ["__meta_kubernetes_pod_container_image"] = "busybox:1.36",
                ["__meta_kubernetes_pod_container_id"] = "containerd://ccc",
                ["__meta_kubernetes_pod_container_init"] = "true",
            },
            group.Targets[3]);
    }

    [Fact]
    public async Task A_pod_without_an_ip_has_no_targets_until_it_gets_one()
    {
        var pending = KubernetesObjects.Pod("shop", "web-1", "", ports: 8080);
        pending.Status.Phase = "Pending";
        pending.Status.PodIP = null;
        pending.Status.Conditions = [];
        _api.Put(pending);
        await using var run = DiscoveryRun.Start(_api);
        var first = await run.Until(s => s.Groups.Count == 1, "the pending pod");
        Assert.Empty(first!.Groups[0].Targets);
        Assert.Equal("unknown", first.Groups[0].Labels["__meta_kubernetes_pod_ready"]);
        Assert.Equal("Pending", first.Groups[0].Labels["__meta_kubernetes_pod_phase"]);

        _api.Put(KubernetesObjects.Pod("shop", "web-1", "10.1.0.9", ports: 8080));
        var running = await run.Until(s => s.Groups[0].Targets.Count == 1, "the pod with its IP");
        Assert.Equal(["10.1.0.9:8080"], DiscoveryRun.Addresses(running));
        Assert.Equal("true", running!.Groups[0].Labels["__meta_kubernetes_pod_ready"]);
    }

    [Fact]
    public async Task Node_role_targets_the_kubelet_at_the_first_internal_ip_with_prometheus_meta_labels()
    {
        _api.Put(new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = "node-3",
                Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-3", ["node-role.kubernetes.io/worker"] = "" },
                Annotations = new Dictionary<string, string> { ["node.alpha.kubernetes.io/ttl"] = "0" },
            },
            Spec = new V1NodeSpec { ProviderID = "k3s://node-3" },
            Status = new V1NodeStatus
            {
                Addresses =
                [
                    new V1NodeAddress { Type = "Hostname", Address = "node-3" },
                    new V1NodeAddress { Type = "ExternalIP", Address = "203.0.113.3" },
                    new V1NodeAddress { Type = "InternalIP", Address = "192.168.1.3" },
                    new V1NodeAddress { Type = "InternalIP", Address = "192.168.1.33" },
                ],
                DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 10250 } },
            },
        });
        await using var run = DiscoveryRun.Start(_api, role: KubernetesRole.Node);
        var snapshot = await run.Until(s => s.Groups.Count == 1, "the node");

        var group = Assert.Single(snapshot!.Groups);
        Assert.Equal("node/node-3", group.Source);
        var target = Assert.Single(group.MergedTargets());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "192.168.1.3:10250",
                ["instance"] = "node-3",
                ["__meta_kubernetes_node_name"] = "node-3",
                ["__meta_kubernetes_node_provider_id"] = "k3s://node-3",
                ["__meta_kubernetes_node_label_kubernetes_io_hostname"] = "node-3",
                ["__meta_kubernetes_node_labelpresent_kubernetes_io_hostname"] = "true",
                ["__meta_kubernetes_node_label_node_role_kubernetes_io_worker"] = "",
                ["__meta_kubernetes_node_labelpresent_node_role_kubernetes_io_worker"] = "true",
                ["__meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl"] = "0",
                ["__meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl"] = "true",
                ["__meta_kubernetes_node_address_Hostname"] = "node-3",
                ["__meta_kubernetes_node_address_ExternalIP"] = "203.0.113.3",
                ["__meta_kubernetes_node_address_InternalIP"] = "192.168.1.3",
            },
            target);
        Assert.All(_api.Requests, r => Assert.Equal("/api/v1/nodes", r.Path));
    }

    [Fact]
    public async Task Service_role_gives_one_target_per_port_at_the_cluster_dns_name()
    {
        _api.Put(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                ClusterIP = "10.96.0.20",
                Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }, new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" }],
            },
        });
        await using var run = DiscoveryRun.Start(_api, role: KubernetesRole.Service);
        var snapshot = await run.Until(s => s.Groups.Count == 1, "the service");

        var targets = DiscoveryRun.ByAddress(snapshot!);
        Assert.Equal(["web.shop.svc:53", "web.shop.svc:80"], targets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "web.shop.svc:53",
                ["__meta_kubernetes_namespace"] = "shop",
                ["__meta_kubernetes_service_name"] = "web",
                ["__meta_kubernetes_service_label_app"] = "web",
                ["__meta_kubernetes_service_labelpresent_app"] = "true",
                ["__meta_kubernetes_service_port_name"] = "dns",
                ["__meta_kubernetes_service_port_number"] = "53",
                ["__meta_kubernetes_service_port_protocol"] = "UDP",
                ["__meta_kubernetes_service_type"] = "ClusterIP",
                ["__meta_kubernetes_service_cluster_ip"] = "10.96.0.20",
            },
            targets["web.shop.svc:53"]);
    }

    [Fact]
    public async Task Endpointslice_role_gives_one_target_per_endpoint_and_port()
    {
        _api.Put(new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "web-abc12", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "web" } },
            AddressType = "IPv4",
            Endpoints =
            [
                new V1Endpoint
                {
                    Addresses = ["10.244.1.7"],
                    Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
                    NodeName = "node-3",
                    Zone = "zone-a",
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = "web-7c9d8f6b5-x2x4q", NamespaceProperty = "shop" },
                },
                new V1Endpoint { Addresses = ["10.244.2.8"], Conditions = new V1EndpointConditions { Ready = false } },
            ],
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP", AppProtocol = "http" }],
        });
        await using var run = DiscoveryRun.Start(_api, role: KubernetesRole.EndpointSlice);
        var snapshot = await run.Until(s => s.Groups.Count == 1, "the endpoint slice");

        var targets = DiscoveryRun.ByAddress(snapshot!);
        Assert.Equal(["10.244.1.7:8080", "10.244.2.8:8080"], targets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "10.244.1.7:8080",
                ["__meta_kubernetes_namespace"] = "shop",
                ["__meta_kubernetes_service_name"] = "web",
                ["__meta_kubernetes_endpointslice_name"] = "web-abc12",
                ["__meta_kubernetes_endpointslice_address_type"] = "IPv4",
                ["__meta_kubernetes_endpointslice_label_kubernetes_io_service_name"] = "web",
                ["__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name"] = "true",
                ["__meta_kubernetes_endpointslice_port"] = "8080",
                ["__meta_kubernetes_endpointslice_port_name"] = "http",
                ["__meta_kubernetes_endpointslice_port_protocol"] = "TCP",
                ["__meta_kubernetes_endpointslice_port_app_protocol"] = "http",
                ["__meta_kubernetes_endpointslice_endpoint_conditions_ready"] = "true",
                ["__meta_kubernetes_endpointslice_endpoint_conditions_serving"] = "true",
                ["__meta_kubernetes_endpointslice_endpoint_conditions_terminating"] = "false",
                ["__meta_kubernetes_endpointslice_endpoint_node_name"] = "node-3",
                ["__meta_kubernetes_endpointslice_endpoint_zone"] = "zone-a",
                ["__meta_kubernetes_endpointslice_address_target_kind"] = "Pod",
                ["__meta_kubernetes_endpointslice_address_target_name"] = "web-7c9d8f6b5-x2x4q",
            },
            targets["10.244.1.7:8080"]);
        Assert.Equal("false", targets["10.244.2.8:8080"]["__meta_kubernetes_endpointslice_endpoint_conditions_ready"]);
        Assert.All(_api.Requests, r => Assert.StartsWith("/apis/discovery.k8s.io/v1/endpointslices", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void An_ipv6_pod_address_is_bracketed_before_its_port()
    {
        var pod = KubernetesObjects.Pod("shop", "web-1", "fd00:10:244::7", ports: 8080);
        pod.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "envoy:1.31" });

        var group = PodTargetGroupBuilder.Build(pod);

        Assert.Equal(["[fd00:10:244::7]:8080", "fd00:10:244::7"], group.Targets.Select(t => t["__address__"]));
    }

    [Theory]
    [InlineData("app.kubernetes.io/name", "app_kubernetes_io_name")]
    [InlineData("example.com/team-owner", "example_com_team_owner")]
    [InlineData("plain_name1", "plain_name1")]
    [InlineData("ünïcode", "_n_code")]
    public void Label_names_are_sanitized_as_prometheus_does(string name, string expected) =>
        Assert.Equal(expected, KubernetesMetaLabels.Sanitize(name));

    private static V1ContainerStatus Status(string name, string id) =>
        new() { Name = name, ContainerID = id, Image = "", ImageID = "", Ready = true, RestartCount = 0 };
}
