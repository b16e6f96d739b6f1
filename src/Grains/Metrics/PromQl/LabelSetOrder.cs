using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>Prometheus's order of label sets (<c>labels.Compare</c>): pair by pair, name then value, a prefix first.</summary>
public sealed class LabelSetOrder : IComparer<LabelSet>
{
    public static LabelSetOrder Instance { get; } = new();

    public int Compare(LabelSet? x, LabelSet? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var a = x.AsSpan();
        var b = y.AsSpan();
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = string.CompareOrdinal(a[i].Name, b[i].Name);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a[i].Value, b[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length - b.Length;
    }
}
