using k8s.Models;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Processing;
using Xunit;

namespace Pipeline.Tests.Kubernetes;

public sealed class PodMetadataTests
{
    private static PodMetadata With(params (string Key, string Value)[] annotations) => PodMetadata.From(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Uid = "u1", Annotations = annotations.ToDictionary(a => a.Key, a => a.Value) },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "web:1" }, new V1Container { Name = "sidecar", Image = "proxy:2" }] },
    });

    [Theory]
    [InlineData("", "main", PodLogExclusion.None)]
    [InlineData("fluentbit.io/exclude=true", "main", PodLogExclusion.All)]
    [InlineData("fluentbit.io/exclude=yes", "main", PodLogExclusion.None)]
    [InlineData("fluentbit.io/exclude=TRUE", "sidecar", PodLogExclusion.All)]
    [InlineData("fluentbit.io/exclude=false", "main", PodLogExclusion.None)]
    [InlineData("fluentbit.io/exclude_stderr=true", "main", PodLogExclusion.Stderr)]
    [InlineData("fluentbit.io/exclude-sidecar=true", "main", PodLogExclusion.None)]
    [InlineData("fluentbit.io/exclude-sidecar=true", "sidecar", PodLogExclusion.All)]
    [InlineData("fluentbit.io/exclude=true,fluentbit.io/exclude-sidecar=false", "sidecar", PodLogExclusion.None)]
    [InlineData("fluentbit.io/exclude=true,fluentbit.io/exclude-sidecar=false", "main", PodLogExclusion.All)]
    [InlineData("fluentbit.io/exclude-main=true,fluentbit.io/exclude_stdout-main=false", "main", PodLogExclusion.Stderr)]
    [InlineData("fluentbit.io/exclude_stdout=true,fluentbit.io/exclude-main=false", "main", PodLogExclusion.None)]
    public void The_most_specific_exclude_annotation_decides_per_stream(string annotations, string container, PodLogExclusion expected)
    {
        var pairs = annotations.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split('=', 2)).Select(a => (a[0], a[1])).ToArray();
        Assert.Equal(expected, With(pairs).ExcludedStreams(container));
    }

    [Fact]
    public void Status_image_digest_and_runtime_id_come_from_the_container_status()
    {
        var pod = PodMetadata.From(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Uid = "u1" },
            Spec = new V1PodSpec { InitContainers = [new V1Container { Name = "init", Image = "init:1" }], Containers = [new V1Container { Name = "main", Image = "web:1" }] },
            Status = new V1PodStatus
            {
                ContainerStatuses = [new V1ContainerStatus { Name = "main", Image = "docker.io/library/web:1", ImageID = "docker.io/library/web@sha256:ab", ContainerID = "containerd://0123", Ready = true, RestartCount = 0 }],
            },
        });

        Assert.Equal(new PodContainerMetadata("main", "docker.io/library/web:1", "docker.io/library/web@sha256:ab", "0123"), pod.Containers["main"]);
        Assert.Equal(new PodContainerMetadata("init", "init:1", null, null), pod.Containers["init"]);
        Assert.Empty(pod.Labels);
    }

    [Fact]
    public void Filters_see_the_pod_labels_of_an_enriched_source_and_documents_carry_them_unchanged_otherwise()
    {
        var source = new LogSource
        {
            FileKey = "k", Path = "/var/log/containers/web_shop_main-1.log", Namespace = "shop", PodName = "web", Host = "node-1",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" }, Annotations = new Dictionary<string, string> { ["a"] = "b" },
            ContainerImage = "web:1", ContainerHash = "web@sha256:ab", Enriched = true,
        };
        var selector = new FilterSelector { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" } };
        Assert.True(selector.Matches(new LogEvent("shop", source, 0, 0, LogStream.Stdout, LogRecordFlags.None, "x")));
        Assert.False(new FilterSelector { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "api" } }
            .Matches(new LogEvent("shop", source, 0, 0, LogStream.Stdout, LogRecordFlags.None, "x")));

        // Untouched by filters, the writers take the metadata from the source; touched, from the fields: same document.
        var untouched = new LogEvent("shop", source, 0, 0, LogStream.Stdout, LogRecordFlags.None, "x");
        var touched = new LogEvent("shop", source, 0, 0, LogStream.Stdout, LogRecordFlags.None, "x");
        Assert.NotNull(touched.Fields);
        Assert.Equal(Json(touched), Json(untouched));
        Assert.Contains("\"labels\":{\"app.kubernetes.io/name\":\"web\"},\"annotations\":{\"a\":\"b\"},\"container_hash\":\"web@sha256:ab\",\"container_image\":\"web:1\"", Json(untouched), StringComparison.Ordinal);
        Assert.Equal(LogEventDocument.SourceMetadataObject(source)!.ToJsonString(), LogEventDocument.SourceMetadataJson(source));

        // Read from a batch, the metadata is encoded once per source: the same document again.
        var writer = new LogBatchWriter();
        writer.Append(source, 0, 0, LogStream.Stdout, LogRecordFlags.None, "x"u8);
        writer.Append(source, 10, 0, LogStream.Stdout, LogRecordFlags.None, "x"u8);
        var read = LogEventBatch.Read(writer.Build("shop", "node-1", 1));
        Assert.Equal(Json(untouched), Json(read[0]));
        Assert.Equal(Json(read[0]).Replace("k-0", "k-10", StringComparison.Ordinal), Json(read[1]));
    }

    [Fact]
    public void Logs_kubernetes_is_read_with_fluent_bit_spellings_and_unknown_keys_are_rejected()
    {
        var config = PipelineConfigLoader.Parse("""
            logs:
              kubernetes:
                enabled: true
                kube_url: http://127.0.0.1:8001
                annotations: false
                k8s-logging.exclude: off
                namespace_labels: true
                startup_wait: 2s
            """);
        var kubernetes = config.Logs.Kubernetes;
        Assert.True(kubernetes.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:8001"), kubernetes.ApiServer);
        Assert.True(kubernetes.Labels);
        Assert.False(kubernetes.Annotations);
        Assert.False(kubernetes.Exclude);
        Assert.True(kubernetes.NamespaceLabels);
        Assert.Equal(TimeSpan.FromSeconds(2), kubernetes.StartupWait);
        Assert.False(PipelineConfigLoader.Parse("logs: {}").Logs.Kubernetes.Enabled);

        var error = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            logs:
              kubernetes:
                enabled: true
                api_server: "not a url"
                lables: true
            """));
        Assert.Contains(error.Errors, e => e.StartsWith("logs.kubernetes.api_server (line 4): 'not a url' is not an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("logs.kubernetes (line 3): unknown key 'lables'", StringComparison.Ordinal) || e.Contains("unknown key 'lables'", StringComparison.Ordinal));
    }

    [Fact]
    public void Namespaces_are_watched_when_asked_or_when_a_tenant_claims_namespaces_by_label()
    {
        var tenants = new List<TenantConfig> { new() { Name = "shop", NamespaceLabels = new() { ["team"] = "shop" } } };
        Assert.True(new KubernetesLogsConfig { Enabled = true }.WatchesNamespaces(tenants));
        Assert.False(new KubernetesLogsConfig { Enabled = true }.WatchesNamespaces([]));
        Assert.False(new KubernetesLogsConfig { Enabled = true, NamespaceLabels = false }.WatchesNamespaces(tenants));
        Assert.False(new KubernetesLogsConfig { Enabled = false }.WatchesNamespaces(tenants));
    }

    private static string Json(LogEvent record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            LogEventDocument.Write(writer, record, includeId: true);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
