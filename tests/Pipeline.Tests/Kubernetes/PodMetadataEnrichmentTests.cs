using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Tenancy;
using Pipeline.Tests.Collection;
using Pipeline.Tests.Filters;
using Pipeline.Tests.Support;
using Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Kubernetes;

/// <summary>
/// Collectors add the pod metadata of the node's pod watch to their records, against the Kubernetes
/// API stand-in (real list/watch over HTTP); the collector's clock is manual, the watch's is real.
/// </summary>
public sealed class PodMetadataEnrichmentTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly RecordingSender _sender = new() { AutoAcknowledge = true };
    private readonly FilterMetrics _metrics = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watches = [];
    private readonly List<IDisposable> _owned = [];
    private KubernetesApiStandIn _api = null!;

    public async Task InitializeAsync() => _api = await KubernetesApiStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watches);
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _api.DisposeAsync();
        _metrics.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Records_of_a_labelled_pod_carry_its_labels_annotations_image_and_pod_id()
    {
        _api.Put(Pod("shop", "web", labels: new() { ["app"] = "web", ["app.kubernetes.io/version"] = "1.4" }, annotations: new() { ["team"] = "checkout" }));
        _api.Put(Pod("shop", "web-elsewhere", node: "node-2"));
        var file = LogFile("shop", "web");
        file.Write("hello", 0);
        var collector = Collector(Enrichment());

        await StepUntil(collector, () => _sender.Delivered.Count > 0, "the first batch");

        var source = Assert.Single(Assert.Single(_sender.Delivered).Sources);
        Assert.True(source.Enriched);
        Assert.Equal("web", source.Labels!["app"]);
        Assert.Equal("1.4", source.Labels["app.kubernetes.io/version"]);
        Assert.Equal("checkout", source.Annotations!["team"]);
        Assert.Equal("registry.local/web:1", source.ContainerImage);
        Assert.Equal("registry.local/web@sha256:" + new string('1', 64), source.ContainerHash);
        Assert.Equal(Uid("web"), source.PodId);
        Assert.Equal(0, collector.RecordsUnenriched);

        // The document as outputs write it: fluent-bit's kubernetes members.
        var kubernetes = Document(_sender.Delivered[0])["kubernetes"]!;
        Assert.Equal("web", kubernetes["pod_name"]!.GetValue<string>());
        Assert.Equal("shop", kubernetes["namespace_name"]!.GetValue<string>());
        Assert.Equal(Uid("web"), kubernetes["pod_id"]!.GetValue<string>());
        Assert.Equal("node-1", kubernetes["host"]!.GetValue<string>());
        Assert.Equal("web", kubernetes["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("checkout", kubernetes["annotations"]!["team"]!.GetValue<string>());
        Assert.Equal("registry.local/web:1", kubernetes["container_image"]!.GetValue<string>());

        // Only this node's pods are asked for, and only once: one list, then one watch.
        var list = Assert.Single(_api.Lists("pods"));
        Assert.Equal("spec.nodeName=node-1", list.FieldSelector);
        Assert.Null(list.Namespace);
        Assert.All(_api.Watches("pods"), w => Assert.Equal("spec.nodeName=node-1", w.FieldSelector));
        Assert.Equal(1, PodsKnown());
    }

    [Fact]
    public async Task A_label_change_after_start_is_carried_by_later_lines()
    {
        _api.Put(Pod("shop", "web", labels: new() { ["app"] = "web", ["version"] = "v1" }));
        var file = LogFile("shop", "web");
        file.Write("before", 0);
        var enrichment = Enrichment();
        var collector = Collector(enrichment);
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 1, "the first line");

        _api.Put(Pod("shop", "web", labels: new() { ["app"] = "web", ["version"] = "v2" }));
        await Eventually.Until(() => Task.FromResult(enrichment.Pods.Find("shop", "web", null, null)?.Labels["version"]), v => v == "v2", "the label change watched");
        file.Write("after", 1);
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 2, "the second line");

        Assert.Equal(["v1", "v2"], _sender.Delivered.Select(b => Assert.Single(b.Sources).Labels!["version"]));
        Assert.Equal(["before", "after"], _sender.DeliveredMessages());
    }

    [Fact]
    public async Task Lines_of_an_excluded_pod_are_not_sent_and_are_counted_and_its_offset_is_committed()
    {
        _api.Put(Pod("shop", "noisy", annotations: new() { ["fluentbit.io/exclude"] = "true" }));
        _api.Put(Pod("shop", "web"));
        var noisy = LogFile("shop", "noisy");
        var web = LogFile("shop", "web");
        for (var i = 0; i < 20; i++)
        {
            noisy.Write($"noise {i}", i);
        }

        web.Write("kept", 0);
        var collector = Collector(Enrichment());
        await StepUntil(collector, () => collector.Drained && _sender.DeliveredMessages().Count == 1, "the kept line");

        Assert.Equal(["kept"], _sender.DeliveredMessages());
        Assert.Equal(20, collector.RecordsExcluded);
        Assert.Equal(1, collector.Status.FilesExcluded);
        Assert.Equal(20, _metrics.Sum("pipeline_log_records_excluded"));

        // Committed to its end: a restart does not read the left-out lines again.
        var key = _tailer!.Files.Single(f => f.Path == noisy.Path).FileKey;
        using var store = new CheckpointStore(_dir.Combine("checkpoints.db"), _time);
        Assert.True(store.TryGet(key, out var checkpoint));
        Assert.Equal(new FileInfo(noisy.Path).Length, checkpoint.Offset);
    }

    [Fact]
    public async Task A_pod_annotated_after_start_stops_being_collected_and_resumes_when_the_annotation_goes()
    {
        _api.Put(Pod("shop", "web"));
        var file = LogFile("shop", "web");
        file.Write("collected", 0);
        var enrichment = Enrichment();
        var collector = Collector(enrichment);
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 1, "the first line");

        _api.Put(Pod("shop", "web", annotations: new() { ["fluentbit.io/exclude"] = "true" }));
        await Eventually.Until(() => Task.FromResult(enrichment.Pods.Find("shop", "web", null, null)?.Annotations.Count), n => n == 1, "the annotation watched");
        file.Write("left out", 1);
        await StepUntil(collector, () => collector.RecordsExcluded == 1, "the line left out");

        _api.Put(Pod("shop", "web"));
        await Eventually.Until(() => Task.FromResult(enrichment.Pods.Find("shop", "web", null, null)?.Annotations.Count), n => n == 0, "the annotation removed");
        file.Write("collected again", 2);
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 2, "the line after the annotation went");

        Assert.Equal(["collected", "collected again"], _sender.DeliveredMessages());
    }

    [Fact]
    public async Task A_stream_and_container_annotation_leaves_out_only_that_stream_of_that_container()
    {
        _api.Put(Pod("shop", "web", annotations: new() { ["fluentbit.io/exclude_stderr-main"] = "true" }));
        var main = LogFile("shop", "web");
        main.Write("out", 0);
        main.Write("err", 1, "stderr");
        main.Write("out again", 2);
        var collector = Collector(Enrichment());

        await StepUntil(collector, () => collector.Drained && _sender.DeliveredMessages().Count == 2, "the stdout lines");

        Assert.Equal(["out", "out again"], _sender.DeliveredMessages());
        Assert.Equal(1, collector.RecordsExcluded);
        Assert.Equal(0, collector.Status.FilesExcluded);
    }

    [Fact]
    public async Task When_the_api_is_unreachable_records_flow_with_file_name_metadata_after_a_bounded_wait_and_are_counted()
    {
        await _api.StopListeningAsync();
        var file = LogFile("shop", "web");
        file.Write("one", 0);
        file.Write("two", 1);
        var enrichment = Enrichment(startupWait: TimeSpan.FromSeconds(5));
        var collector = Collector(enrichment);

        // Within the wait nothing is read: the first lines should be enriched if the API answers in time.
        await collector.StepAsync();
        await collector.StepAsync();
        Assert.Equal(0, collector.RecordsRead);

        _time.Advance(TimeSpan.FromSeconds(5));
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 2, "the lines without metadata");
        var source = Assert.Single(_sender.Delivered.SelectMany(b => b.Sources).Distinct());
        Assert.False(source.Enriched);
        Assert.Equal("web", source.PodName);
        Assert.Equal("shop", source.Namespace);
        Assert.Null(source.Labels);
        Assert.Equal(2, collector.RecordsUnenriched);
        Assert.Equal(2, _metrics.Sum("pipeline_log_records_unenriched"));
        Assert.True(enrichment.Pods.Counters.Failures > 0);

        // The watch retries with backoff; once the API answers, later lines are enriched.
        _api.Put(Pod("shop", "web", labels: new() { ["app"] = "web" }));
        await _api.StartListeningAsync();
        await Eventually.Until(() => Task.FromResult(enrichment.Pods.Listed), listed => listed, "the pods listed after the outage");
        file.Write("three", 2);
        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 3, "the line after the outage");
        Assert.Equal("web", _sender.Delivered[^1].Sources.Single().Labels!["app"]);
        Assert.Equal(2, collector.RecordsUnenriched);
    }

    [Fact]
    public async Task A_docker_path_finds_its_pod_by_container_id_and_takes_namespace_and_tenant_from_it()
    {
        var id = new string('c', 64);
        _api.Put(Pod("payments", "api", containerId: id));
        var file = new ContainerLogFile(Path.Combine(_dir.Combine("logs"), id, id + "-json.log"), cri: false, _time);
        file.Write("paid", 0);
        var collector = Collector(Enrichment(), paths: _dir.Combine("logs", "*", "*-json.log"));

        await StepUntil(collector, () => _sender.Delivered.Count > 0, "the record");

        var batch = Assert.Single(_sender.Delivered);
        Assert.Equal("payments", batch.Tenant);
        var source = Assert.Single(batch.Sources);
        Assert.Equal(("payments", "api", "main"), (source.Namespace, source.PodName, source.ContainerName));
    }

    [Fact]
    public async Task Namespace_labels_from_the_namespace_watch_choose_the_tenant()
    {
        _api.Put(new V1Namespace { Metadata = new V1ObjectMeta { Name = "checkout", Labels = new Dictionary<string, string> { ["team"] = "shop" } } });
        _api.Put(new V1Namespace { Metadata = new V1ObjectMeta { Name = "billing", Labels = new Dictionary<string, string> { ["team"] = "finance" } } });
        _api.Put(Pod("checkout", "cart"));
        _api.Put(Pod("billing", "invoice"));
        LogFile("checkout", "cart").Write("added to cart", 0);
        LogFile("billing", "invoice").Write("invoice sent", 0);
        var namespaces = new KubernetesNamespaceLabels(Connection());
        _owned.Add(namespaces);
        _watches.Add(namespaces.RunAsync(_stop.Token));
        var tenants = new List<TenantConfig> { new() { Name = "shop", NamespaceLabels = new() { ["team"] = "shop" } } };
        var collector = Collector(Enrichment(namespaces: namespaces), tenants: tenants, labels: namespaces);

        await StepUntil(collector, () => _sender.DeliveredMessages().Count == 2, "both records");

        Assert.Equal(["added to cart"], _sender.DeliveredMessages("shop"));
        Assert.Equal(["invoice sent"], _sender.DeliveredMessages("billing"));
        Assert.Single(_api.Lists("namespaces"));
        Assert.Equal("shop", new TenantDirectory(new PipelineConfig { NodeName = "node-1", Tenants = tenants }, namespaces).Resolve("checkout"));
    }

    private KubernetesDiscoveryOptions Connection() => new()
    {
        ApiServer = _api.Uri,
        MinRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private PodEnrichment Enrichment(TimeSpan? startupWait = null, KubernetesNamespaceLabels? namespaces = null)
    {
        var pods = new PodMetadataCache("node-1", Connection());
        _owned.Add(pods);
        _watches.Add(pods.RunAsync(_stop.Token));
        _podCaches.Add(pods);
        return new PodEnrichment(pods, new KubernetesLogsConfig { Enabled = true, StartupWait = startupWait ?? TimeSpan.FromSeconds(5) }, namespaces);
    }

    private readonly List<PodMetadataCache> _podCaches = [];
    private FileTailer? _tailer;

    private int PodsKnown() => _podCaches.Single().Count;

    private LogCollector Collector(PodEnrichment enrichment, List<TenantConfig>? tenants = null, INamespaceLabels? labels = null, string? paths = null)
    {
        var checkpoints = new CheckpointStore(_dir.Combine("checkpoints.db"), _time);
        var glob = paths ?? _dir.Combine("logs", "*.log");
        var tailer = new FileTailer(new TailOptions { Paths = [glob], ReadFromHead = true }, checkpoints, _time, NullLogger<FileTailer>.Instance);
        _owned.Add(tailer);
        _owned.Add(checkpoints);
        _tailer = tailer;
        var input = new TailInputConfig { Paths = [glob], ReadFromHead = true };
        var logs = new LogsConfig { Inputs = [input], FlushInterval = TimeSpan.FromMilliseconds(10) };
        var config = new PipelineConfig { NodeName = "node-1", Logs = logs, Tenants = tenants ?? [] };
        return new LogCollector("node-1", input, logs, tailer, _sender, new TenantDirectory(config, labels), _metrics.Metrics, _time, NullLogger<LogCollector>.Instance, enrichment);
    }

    private ContainerLogFile LogFile(string ns, string pod) => new(ContainerLogFile.ContainersPath(_dir.Combine("logs"), ns, pod, "main"), cri: false, _time);

    /// <summary>Steps the collector until <paramref name="done"/> (the pod watch runs on its own threads meanwhile).</summary>
    private async Task StepUntil(LogCollector collector, Func<bool> done, string what)
    {
        await Eventually.Until(
            async () =>
            {
                await collector.StepAsync();
                _time.Advance(TimeSpan.FromMilliseconds(20));
                return done();
            },
            finished => finished,
            what);
    }

    private static JsonNode Document(LogBatch batch)
    {
        var record = Assert.Single(LogEventBatch.Read(batch));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LogEventDocument.Write(writer, record, includeId: false);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan))!;
    }

    private static string Uid(string pod) => $"uid-{pod}";

    private static V1Pod Pod(string ns, string name, string node = "node-1", Dictionary<string, string>? labels = null, Dictionary<string, string>? annotations = null, string? containerId = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = Uid(name), Labels = labels, Annotations = annotations },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = [new V1Container { Name = "main", Image = $"registry.local/{name}:1" }, new V1Container { Name = "sidecar", Image = "registry.local/proxy:2" }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "main", Image = $"registry.local/{name}:1", ImageID = $"registry.local/{name}@sha256:" + new string('1', 64),
                    ContainerID = "containerd://" + (containerId ?? new string('e', 64)), Ready = true, RestartCount = 0,
                },
            ],
        },
    };
}
