using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.RemoteWrite;
using MatchType = Pipeline.Grains.Metrics.MatchType;

namespace Pipeline.Benchmarks.MetricStore;

/// <summary>
/// The store with 2,000 cAdvisor-like series (<see cref="CadvisorLikeData"/>, 20 nodes) holding 6 hours:
/// <see cref="Append"/> writes one more 15 s round (2,000 samples, one batch per node; the clock follows, so
/// retention keeps the window at 6 hours; <see cref="GenerateOnly"/> is the data generation alone), and the selects read all series or a few over 5 minutes or 6 hours.
/// </summary>
[MemoryDiagnoser]
public class MetricStoreBenchmarks
{
    private const int Series = 2_000;
    private const int Nodes = 20;

    private static readonly LabelMatcher[] AllSeries = [new(MatchType.Equal, "job", "kubelet")];

    private static readonly LabelMatcher[] CpuOfTwoNamespaces =
    [
        new(MatchType.Equal, "__name__", "container_cpu_usage_seconds_total"), new(MatchType.Regex, "namespace", "shop|billing"),
    ];

    private Grains.Metrics.Store.MetricStore _store = null!;
    private CadvisorLikeData _data = null!;
    private SimulatedClock _clock = null!;
    private RemoteWriteSample[] _batch = [];
    private int[] _order = [];
    private int _round;
    private long _startMs;

    [GlobalSetup]
    public void Setup()
    {
        _startMs = 1_764_000_000_000;
        _data = new CadvisorLikeData(Series, Nodes, _startMs);
        _clock = new SimulatedClock(_startMs);
        _store = new Grains.Metrics.Store.MetricStore(new MetricStoreOptions(), _clock);
        _batch = new RemoteWriteSample[Series];
        _order = _data.NodesInScrapeOrder();
        for (_round = 0; _round < 6 * 240; _round++)
        {
            Append();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(OperationsPerInvoke = Series)]
    public void Append()
    {
        foreach (var node in _order)
        {
            var time = _data.ScrapeTimeMs(_round, node);
            var count = _data.Scrape(node, time, _batch);
            _clock.NowMs = time;
            _store.Append(_batch.AsSpan(0, count));
        }

        _round++;
    }

    /// <summary>Generating a round without appending it: subtract from <see cref="Append"/> for the store's own cost.</summary>
    [Benchmark(OperationsPerInvoke = Series)]
    public int GenerateOnly()
    {
        var total = 0;
        foreach (var node in _order)
        {
            total += _data.Scrape(node, _data.ScrapeTimeMs(_round, node), _batch);
        }

        return total;
    }

    [Benchmark]
    public int SelectAllLast5Minutes() => Select(AllSeries, _clock.NowMs - 300_000);

    [Benchmark]
    public int SelectAll6Hours() => Select(AllSeries, _clock.NowMs - (6 * 3_600_000));

    [Benchmark]
    public int SelectCpuOfTwoNamespaces6Hours() => Select(CpuOfTwoNamespaces, _clock.NowMs - (6 * 3_600_000));

    private int Select(LabelMatcher[] matchers, long minMs) =>
        _store.SelectAsync(matchers, minMs, _clock.NowMs, CancellationToken.None).AsTask().GetAwaiter().GetResult().Count;
}
