using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Search;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.Query;

/// <summary>
/// The series of the whole cluster for the PromQL engine: each selection goes to every active
/// silo's <see cref="IMetricQueryGrain"/> at once (a silo's store holds what its own grains
/// produced), and the answers are merged. A series found on two silos (its target grain moved
/// between them) becomes one, its samples merged in time order with a time seen twice kept once.
/// </summary>
public sealed class ClusterSeriesSource(IGrainFactory grains, IClusterMembershipService membership) : ISeriesSource
{
    public async ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        var selection = MetricSelections.From(matchers, minMs, maxMs);
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IMetricQueryGrain>(s).Select(selection)));
        return Merge(answers.Select(a => a.Series.Select(MetricSelections.FromData)));
    }

    public async ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        var selection = MetricSelections.From(matchers, minMs, maxMs);
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IMetricQueryGrain>(s).LabelNames(selection)));
        return Union(answers);
    }

    public async ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        var selection = MetricSelections.From(matchers, minMs, maxMs);
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IMetricQueryGrain>(s).LabelValues(name, selection)));
        return Union(answers);
    }

    /// <summary>The descriptions of metric families over all silos: per family, each distinct description once.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, MetricMetadata[]>>> MetadataAsync(string? metric, int limit)
    {
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IMetricQueryGrain>(s).Metadata(metric)));
        return [.. answers.SelectMany(a => a)
            .GroupBy(e => e.Metric, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Take(limit < 0 ? int.MaxValue : limit)
            .Select(g => new KeyValuePair<string, MetricMetadata[]>(g.Key, [.. g.Select(e => new MetricMetadata(e.Type, e.Help, e.Unit)).Distinct()]))];
    }

    /// <summary>One list sorted by labels; series with equal labels from several answers merged by time.</summary>
    public static IReadOnlyList<SeriesSamples> Merge(IEnumerable<IEnumerable<SeriesSamples>> answers)
    {
        var byLabels = new Dictionary<LabelSet, SeriesSamples>();
        foreach (var series in answers.SelectMany(a => a))
        {
            byLabels[series.Labels] = byLabels.TryGetValue(series.Labels, out var seen) ? MergeSamples(seen, series) : series;
        }

        return [.. byLabels.Values.OrderBy(s => s.Labels, LabelSetOrder.Instance)];
    }

    private static SeriesSamples MergeSamples(SeriesSamples a, SeriesSamples b)
    {
        var times = new List<long>(a.Count + b.Count);
        var values = new List<double>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            if (j == b.Count || (i < a.Count && a.TimestampsMs[i] <= b.TimestampsMs[j]))
            {
                if (j < b.Count && a.TimestampsMs[i] == b.TimestampsMs[j])
                {
                    j++; // the same sample from both: kept once
                }

                times.Add(a.TimestampsMs[i]);
                values.Add(a.Values[i++]);
            }
            else
            {
                times.Add(b.TimestampsMs[j]);
                values.Add(b.Values[j++]);
            }
        }

        return new SeriesSamples(a.Labels, [.. times], [.. values]);
    }

    private static string[] Union(IEnumerable<string[]> answers) =>
        [.. answers.SelectMany(a => a).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
