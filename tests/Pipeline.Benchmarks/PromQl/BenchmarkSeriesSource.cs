using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;

namespace Pipeline.Benchmarks.PromQl;

/// <summary>
/// An in-memory <see cref="ISeriesSource"/> for the engine benchmark: series sorted by labels, the time
/// range found by binary search, and a series' own arrays handed out when the range covers them all,
/// so the benchmark measures the engine rather than copying.
/// </summary>
public sealed class BenchmarkSeriesSource(IReadOnlyList<SeriesSamples> series) : ISeriesSource
{
    private readonly SeriesSamples[] _series = [.. series.OrderBy(s => s.Labels, LabelSetOrder.Instance)];

    public ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        var result = new List<SeriesSamples>();
        foreach (var s in _series)
        {
            var matches = true;
            foreach (var matcher in matchers)
            {
                if (!matcher.Matches(s.Labels.Get(matcher.Name)))
                {
                    matches = false;
                    break;
                }
            }

            if (!matches)
            {
                continue;
            }

            var lo = LowerBound(s.TimestampsMs, minMs);
            var hi = LowerBound(s.TimestampsMs, maxMs == long.MaxValue ? maxMs : maxMs + 1);
            if (hi <= lo)
            {
                continue;
            }

            result.Add(lo == 0 && hi == s.Count ? s : new SeriesSamples(s.Labels, s.TimestampsMs[lo..hi], s.Values[lo..hi]));
        }

        return ValueTask.FromResult<IReadOnlyList<SeriesSamples>>(result);
    }

    public ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) =>
        throw new NotSupportedException();

    public ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) =>
        throw new NotSupportedException();

    private static int LowerBound(long[] times, long value)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (times[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
