using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.Query;

/// <summary>Conversions between the engine's selection types and the messages that carry them between silos.</summary>
public static class MetricSelections
{
    public static MetricSelection From(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs) => new()
    {
        Matchers = matchers is null ? [] : [.. matchers.Select(m => new MetricMatcher { Type = (MetricMatchType)m.Type, Name = m.Name, Value = m.Value })],
        MinMs = minMs,
        MaxMs = maxMs,
    };

    public static IReadOnlyList<LabelMatcher> Matchers(MetricSelection selection) =>
        [.. selection.Matchers.Select(m => new LabelMatcher((MatchType)m.Type, m.Name, m.Value))];

    /// <summary>The matchers, or null when there are none (label names and values of every series in range).</summary>
    public static IReadOnlyList<LabelMatcher>? MatchersOrNull(MetricSelection selection) =>
        selection.Matchers.Length == 0 ? null : Matchers(selection);

    public static MetricSeriesData ToData(SeriesSamples series)
    {
        var labels = new string[series.Labels.Count * 2];
        for (var i = 0; i < series.Labels.Count; i++)
        {
            labels[2 * i] = series.Labels[i].Name;
            labels[(2 * i) + 1] = series.Labels[i].Value;
        }

        return new MetricSeriesData { Labels = labels, TimestampsMs = series.TimestampsMs, Values = series.Values };
    }

    public static SeriesSamples FromData(MetricSeriesData data) =>
        new(LabelSet.Of(data.Labels), data.TimestampsMs, data.Values);
}
