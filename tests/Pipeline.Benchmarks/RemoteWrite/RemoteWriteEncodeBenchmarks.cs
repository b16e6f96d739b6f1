using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.RemoteWrite.Protocol;
using Snappier;

namespace Pipeline.Benchmarks.RemoteWrite;

/// <summary>
/// A typical shard send without the network: 2,000 series × 1 sample (cAdvisor-like series of
/// 8 labels over 50 pods) encoded as a <c>WriteRequest</c> and snappy-compressed.
/// <see cref="EncodeAndCompress"/> is the queue's path (fields written straight into reused
/// buffers); <see cref="GeneratedMessages"/> builds protoc's message objects for comparison.
/// Times are per request; ns/sample is the mean divided by 2,000.
/// </summary>
[MemoryDiagnoser]
public class RemoteWriteEncodeBenchmarks
{
    public const int Series = 2_000;

    private static readonly string[] Metrics =
    [
        "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_memory_rss",
        "container_memory_cache", "container_spec_memory_limit_bytes", "container_cpu_cfs_throttled_seconds_total",
        "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
    ];

    private static readonly string[] Namespaces = ["shop", "billing", "kube-system", "search", "auth"];

    private RemoteWriteSample[] _samples = [];
    private RemoteWriteLabel[][] _labels = [];
    private RemoteWriteRequestEncoder _encoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _samples = new RemoteWriteSample[Series];
        _labels = new RemoteWriteLabel[Series][];
        var time = 1_764_064_800_000L;
        for (var i = 0; i < Series; i++)
        {
            var pod = i % 50;
            var ns = Namespaces[pod % Namespaces.Length];
            RemoteWriteLabel[] labels =
            [
                new("__name__", Metrics[i % Metrics.Length]),
                new("container", $"app-{pod % 7}"),
                new("id", $"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{pod:x8}_1234_5678.slice/cri-containerd-{i:x16}.scope"),
                new("image", $"registry.example/{ns}/app:{1 + (pod % 9)}.{i % 4}.0"),
                new("instance", $"node-{pod % 3}:10250"),
                new("job", "kubernetes-cadvisor"),
                new("namespace", ns),
                new("pod", $"{ns}-app-{pod:x4}-{i / 50:x3}"),
            ];
            _labels[i] = labels;
            _samples[i] = new RemoteWriteSample(labels, time + (i % 15), 1_000_000.0 + (i * 17.25));
        }

        _encoder = new RemoteWriteRequestEncoder();
        _encoder.Encode(_samples); // buffers at their steady size
        var compressed = _encoder.Encode(_samples).Length;
        Console.WriteLine($"// request: {_encoder.ProtobufLength} bytes protobuf, {compressed} bytes snappy ({compressed / (double)Series:F1} bytes/sample on the wire)");
    }

    [GlobalCleanup]
    public void Cleanup() => _encoder.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = 1)]
    public int EncodeAndCompress() => _encoder.Encode(_samples).Length;

    [Benchmark]
    public int EncodeOnly() => _encoder.EncodeProtobuf(_samples).Length;

    [Benchmark]
    public int GeneratedMessages()
    {
        var request = new WriteRequest();
        for (var i = 0; i < _samples.Length; i++)
        {
            var sample = _samples[i];
            var series = new TimeSeries();
            foreach (var label in _labels[i])
            {
                series.Labels.Add(new Label { Name = label.Name, Value = label.Value });
            }

            series.Samples.Add(new Sample { Timestamp = sample.TimestampMs, Value = sample.Value });
            request.Timeseries.Add(series);
        }

        return Snappy.CompressToArray(request.ToByteArray()).Length;
    }
}
