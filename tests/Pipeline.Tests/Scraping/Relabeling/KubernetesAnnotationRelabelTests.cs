using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>
/// The relabel rules users paste from Prometheus's Kubernetes example and the Helm chart, driven by the
/// <c>prometheus.io/scrape|scheme|path|port</c> pod annotations, run through the target builder on pod
/// role labels (one target per declared container port).
/// </summary>
public sealed class KubernetesAnnotationRelabelTests
{
    private const string PodsJob = """
        relabel_configs:
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
            action: keep
            regex: true
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]
            action: replace
            regex: (https?)
            target_label: __scheme__
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
            action: replace
            target_label: __metrics_path__
            regex: (.+)
          - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
            action: replace
            regex: ([^:]+)(?::\d+)?;(\d+)
            replacement: $1:$2
            target_label: __address__
          - action: labelmap
            regex: __meta_kubernetes_pod_label_(.+)
          - source_labels: [__meta_kubernetes_namespace]
            action: replace
            target_label: namespace
          - source_labels: [__meta_kubernetes_pod_name]
            action: replace
            target_label: pod
          - source_labels: [__meta_kubernetes_pod_phase]
            regex: Pending|Succeeded|Failed|Completed
            action: drop
        """;

    private static TargetBuildResult Build(params string[] annotationsAndLabels)
    {
        var builder = new TargetBuilder(new ScrapeJobDefaults
        {
            JobName = "kubernetes-pods",
            RelabelRules = RelabelYaml.Rules(PodsJob),
        });
        var labels = new List<string>
        {
            "__address__", "10.42.0.17:8080",
            "__meta_kubernetes_namespace", "shop",
            "__meta_kubernetes_pod_name", "web-7c9d8f6b5-x2x4q",
            "__meta_kubernetes_pod_phase", "Running",
            "__meta_kubernetes_pod_ready", "true",
            "__meta_kubernetes_pod_node_name", "node-3",
            "__meta_kubernetes_pod_container_port_number", "8080",
            "__meta_kubernetes_pod_label_app", "web",
            "__meta_kubernetes_pod_label_pod_template_hash", "7c9d8f6b5",
        };
        labels.AddRange(annotationsAndLabels);
        return builder.Build(LabelSet.Of([.. labels]));
    }

    [Fact]
    public void A_pod_without_the_scrape_annotation_is_dropped_by_relabeling()
    {
        var result = Build();

        Assert.Null(result.Target);
        Assert.True(result.IsDroppedByRelabeling);
        Assert.Equal("web", result.DiscoveredLabels.Get("__meta_kubernetes_pod_label_app"));
    }

    [Fact]
    public void Scrape_false_or_any_other_value_than_true_is_dropped()
    {
        Assert.Null(Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "false").Target);
        Assert.Null(Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "True").Target);
        Assert.Null(Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true ").Target);
    }

    [Fact]
    public void An_annotated_pod_is_scraped_on_its_container_port_with_pod_labels()
    {
        var target = Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true").Target!;

        Assert.Equal("http://10.42.0.17:8080/metrics", target.Url);
        Assert.Equal(
            LabelSet.Of(
                "app", "web",
                "instance", "10.42.0.17:8080",
                "job", "kubernetes-pods",
                "namespace", "shop",
                "pod", "web-7c9d8f6b5-x2x4q",
                "pod_template_hash", "7c9d8f6b5"),
            target.Labels);
    }

    [Fact]
    public void Port_annotation_replaces_the_port_of_the_address()
    {
        var target = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_port", "9102").Target!;

        Assert.Equal("10.42.0.17:9102", target.Address);
        Assert.Equal("10.42.0.17:9102", target.Labels.Get("instance"));
        Assert.Equal("http://10.42.0.17:9102/metrics", target.Url);
    }

    [Fact]
    public void Port_annotation_applies_to_a_pod_that_declares_no_port()
    {
        var builder = new TargetBuilder(new ScrapeJobDefaults { JobName = "kubernetes-pods", RelabelRules = RelabelYaml.Rules(PodsJob) });
        var target = builder.Build(LabelSet.Of(
            "__address__", "10.42.0.18",
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_port", "9100")).Target!;

        Assert.Equal("http://10.42.0.18:9100/metrics", target.Url);
    }

    [Fact]
    public void A_non_numeric_port_annotation_leaves_the_address_alone()
    {
        var target = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_port", "metrics").Target!;

        Assert.Equal("10.42.0.17:8080", target.Address);
    }

    [Fact]
    public void Path_and_scheme_annotations_set_the_url()
    {
        var target = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_path", "/stats/prometheus",
            "__meta_kubernetes_pod_annotation_prometheus_io_scheme", "https").Target!;

        Assert.Equal("https://10.42.0.17:8080/stats/prometheus", target.Url);
        Assert.Equal("https", target.Scheme);
        Assert.Equal("/stats/prometheus", target.MetricsPath);
    }

    [Fact]
    public void An_empty_path_annotation_keeps_the_default_path()
    {
        var target = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_scheme", "ftp").Target!;

        Assert.Equal("http://10.42.0.17:8080/metrics", target.Url); // (https?) does not match ftp
    }

    [Fact]
    public void Finished_pods_are_dropped()
    {
        var result = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__meta_kubernetes_pod_phase", "Succeeded");

        Assert.True(result.IsDroppedByRelabeling);
    }

    [Fact]
    public void Each_container_port_is_its_own_target_with_its_own_key()
    {
        var a = Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true").Target!;
        var b = Build(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true",
            "__address__", "10.42.0.17:9090",
            "__meta_kubernetes_pod_container_port_number", "9090").Target!;

        Assert.NotEqual(a.Key, b.Key);
        Assert.Equal(a.Key, Build("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true").Target!.Key);
    }
}
