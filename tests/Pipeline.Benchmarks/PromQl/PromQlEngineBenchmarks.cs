using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Benchmarks.PromQl;

/// <summary>
/// The dashboard query <c>sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))</c> over
/// 10,000 cAdvisor-like counter series holding 6 h at 15 s (1,440 samples each, 14.4 M in all):
/// one instant query at the end, and a range query over the last 5 h 55 m at a 1 m step (356 steps).
/// </summary>
[MemoryDiagnoser]
public class PromQlEngineBenchmarks
{
    public const int SeriesCount = 10_000;
    public const long Interval = 15_000;
    public const int SamplesPerSeries = 6 * 60 * 4;
    public const string Query = "sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))";

    private const long Start = 1_700_000_000_000;
    // Scrape times are jittered by up to 500 ms: the end lies after the last of them.
    private const long End = Start + ((SamplesPerSeries - 1) * Interval) + 500;

    private readonly PromQlEngine _engine = new();
    private BenchmarkSeriesSource _source = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(5);
        var series = new List<SeriesSamples>(SeriesCount);
        for (var i = 0; i < SeriesCount; i++)
        {
            var labels = LabelSet.Of(
                "__name__", "container_cpu_usage_seconds_total", "job", "kubelet",
                "namespace", $"ns-{i % 50}", "pod", $"pod-{i / 4}", "container", $"c-{i % 4}");
            var times = new long[SamplesPerSeries];
            var values = new double[SamplesPerSeries];
            var counter = 0.0;
            for (var j = 0; j < SamplesPerSeries; j++)
            {
                times[j] = Start + (j * Interval) + random.Next(0, 500);
                counter = j % 500 == 499 ? 0 : counter + (random.NextDouble() * 0.3);
                values[j] = counter;
            }

            series.Add(new SeriesSamples(labels, times, values));
        }

        _source = new BenchmarkSeriesSource(series);
    }

    [Benchmark]
    public async Task<int> Instant_query()
    {
        var result = await _engine.InstantQueryAsync(_source, Query, End, CancellationToken.None);
        return result.Vector.Count;
    }

    [Benchmark]
    public async Task<int> Range_query_1m_step()
    {
        // Starts 5 m in, so the selector reads the whole 6 h and the source hands out its arrays uncopied.
        var result = await _engine.RangeQueryAsync(_source, Query, Start + 300_000, End, 60_000, CancellationToken.None);
        return result.Matrix.Count;
    }
}
