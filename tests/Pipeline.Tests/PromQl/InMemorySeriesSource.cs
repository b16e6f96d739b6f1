using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Tests.PromQl;

/// <summary>An <see cref="ISeriesSource"/> over series held in memory, filtered by matchers and time as the store filters them.</summary>
public sealed class InMemorySeriesSource : ISeriesSource
{
    private readonly List<SeriesSamples> _series;

    public InMemorySeriesSource(IEnumerable<SeriesSamples> series) =>
        _series = [.. series.OrderBy(s => s.Labels, LabelSetOrder.Instance)];

    /// <summary>How many times <see cref="SelectAsync"/> was called (one read per selector per query).</summary>
    public int Selects { get; private set; }

    /// <summary>Builds a series from labels and (ms, value) points.</summary>
    public static SeriesSamples Series(LabelSet labels, params (long TimeMs, double Value)[] points) =>
        new(labels, [.. points.Select(p => p.TimeMs)], [.. points.Select(p => p.Value)]);

    public ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        Selects++;
        var result = new List<SeriesSamples>();
        foreach (var series in _series)
        {
            if (!matchers.All(m => m.Matches(series.Labels.Get(m.Name))))
            {
                continue;
            }

            var lo = Array.FindIndex(series.TimestampsMs, t => t >= minMs);
            if (lo < 0)
            {
                continue;
            }

            var hi = Array.FindLastIndex(series.TimestampsMs, t => t <= maxMs);
            if (hi < lo)
            {
                continue;
            }

            result.Add(new SeriesSamples(series.Labels, series.TimestampsMs[lo..(hi + 1)], series.Values[lo..(hi + 1)]));
        }

        return ValueTask.FromResult<IReadOnlyList<SeriesSamples>>(result);
    }

    public ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. Matching(matchers, minMs, maxMs).SelectMany(s => s.Labels.Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal)]);

    public ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. Matching(matchers, minMs, maxMs).Select(s => s.Labels.Get(name)).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal)]);

    private IEnumerable<SeriesSamples> Matching(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs) =>
        _series.Where(s => (matchers is null || matchers.All(m => m.Matches(s.Labels.Get(m.Name)))) && s.TimestampsMs.Any(t => t >= minMs && t <= maxMs));
}
