using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>One series of a range query's matrix: its labels and its points at the steps where it had a value, times ascending.</summary>
public sealed class PromQlSeries(LabelSet labels, long[] timestampsMs, double[] values)
{
    public LabelSet Labels { get; } = labels;

    public long[] TimestampsMs { get; } = timestampsMs;

    public double[] Values { get; } = values;

    public int Count => TimestampsMs.Length;
}
