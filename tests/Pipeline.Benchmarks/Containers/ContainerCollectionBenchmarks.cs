using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Tests.Containers;

namespace Pipeline.Benchmarks.Containers;

/// <summary>
/// One collection of a fixture node of 100 containers (50 pods of two containers, systemd driver,
/// containerd, a process with a network namespace in each) on tmpfs-backed temp files, v1 and v2: the walk,
/// about 8 (v2) or 12 (v1) file reads per container, parsing, metadata lookups and the hand-off of about
/// 1,900 samples to a sink. "steady" is a collection of a node collected before (label arrays and
/// metadata cached), the case of every interval; Mean is per collection.
/// </summary>
[MemoryDiagnoser]
public class ContainerCollectionBenchmarks
{
    private const int Pods = 50;
    private const int ContainersPerPod = 2;

    private CgroupFixture _fixture = null!;
    private ContainerMetricsCollector _collector = null!;
    private CountingContainerSink _sink = null!;

    [Params(CgroupVersion.V1, CgroupVersion.V2)]
    public CgroupVersion Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new CgroupFixture(Version);
        _fixture.Cgroup("/", new CgroupFixtureValues());
        var metadata = new BenchmarkMetadata();
        for (var pod = 0; pod < Pods; pod++)
        {
            var uid = $"{pod:x8}-aaaa-4bbb-8ccc-{pod:x12}";
            var qos = (pod % 3) switch { 0 => "", 1 => "burstable", _ => "besteffort" };
            var qosSlice = qos.Length == 0 ? "" : $"/kubepods-{qos}.slice";
            var podSlice = qos.Length == 0 ? $"kubepods-pod{uid.Replace('-', '_')}.slice" : $"kubepods-{qos}-pod{uid.Replace('-', '_')}.slice";
            for (var container = 0; container < ContainersPerPod; container++)
            {
                var id = $"{pod:x4}{container:x4}" + new string('c', 56);
                var pid = 10_000 + (pod * ContainersPerPod) + container;
                _fixture.Cgroup(
                    $"/kubepods.slice{qosSlice}/{podSlice}/cri-containerd-{id}.scope",
                    new CgroupFixtureValues { UsageUsec = 1_000_000 + pod, Pid = pid, NetDev = NetDev(pod) });
                metadata.Add(uid, $"ns-{pod % 5}", $"pod-{pod}", id, $"c{container}", $"registry.local/app-{pod}:1");
            }
        }

        _sink = new CountingContainerSink();
        _collector = new ContainerMetricsCollector(_fixture.Options, _sink, metadata);
        var first = _collector.Collect();
        if (first.Containers.Count != Pods * ContainersPerPod || first.Unenriched != 0 || first.MissingFiles != 0)
        {
            throw new InvalidOperationException($"fixture: {first.Containers.Count} containers, {first.Unenriched} unenriched, {first.MissingFiles} missing files");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Description = "steady")]
    public int Collect() => _collector.Collect().Samples;

    private static string NetDev(int pod) => $"""
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
          eth0: {pod * 1000}  {pod * 10}    0    0    0     0          0         0 {pod * 2000}  {pod * 20}    0    0    0     0       0          0

        """;

    /// <summary>Every container known, as a warm pod cache knows them.</summary>
    private sealed class BenchmarkMetadata : IContainerMetadata
    {
        private readonly Dictionary<(string Uid, string Id), ContainerMetadata> _containers = [];

        public long Version => 1;

        public void Add(string uid, string ns, string pod, string id, string container, string image) =>
            _containers[(uid, id)] = new ContainerMetadata(ns, pod, container, image);

        public ContainerMetadata? Find(string podUid, string containerId) => _containers.GetValueOrDefault((podUid, containerId));
    }
}
