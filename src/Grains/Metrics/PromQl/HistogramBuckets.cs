namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// histogram_quantile over classic <c>le</c> buckets: buckets sorted by bound, equal bounds merged,
/// counts forced monotonic (a scrape that raced an observation can make them dip), the +Inf bucket
/// required, and linear interpolation inside the bucket holding the rank.
/// </summary>
internal static class HistogramBuckets
{
    public static double Quantile(double q, List<(double UpperBound, double Count)> buckets)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        buckets.Sort(static (a, b) => a.UpperBound.CompareTo(b.UpperBound));
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound))
        {
            return double.NaN;
        }

        var merged = 0;
        for (var i = 1; i < buckets.Count; i++)
        {
            if (buckets[i].UpperBound == buckets[merged].UpperBound)
            {
                buckets[merged] = (buckets[merged].UpperBound, buckets[merged].Count + buckets[i].Count);
            }
            else
            {
                buckets[++merged] = buckets[i];
            }
        }

        buckets.RemoveRange(merged + 1, buckets.Count - merged - 1);
        var max = buckets[0].Count;
        for (var i = 1; i < buckets.Count; i++)
        {
            if (buckets[i].Count > max)
            {
                max = buckets[i].Count;
            }
            else if (buckets[i].Count < max)
            {
                buckets[i] = (buckets[i].UpperBound, max);
            }
        }

        if (buckets.Count < 2)
        {
            return double.NaN;
        }

        var observations = buckets[^1].Count;
        if (observations == 0)
        {
            return double.NaN;
        }

        var rank = q * observations;

        // The first bucket (the +Inf one excluded) whose count reaches the rank.
        var b = 0;
        while (b < buckets.Count - 1 && !(buckets[b].Count >= rank))
        {
            b++;
        }

        if (b == buckets.Count - 1)
        {
            return buckets[^2].UpperBound;
        }

        if (b == 0 && buckets[0].UpperBound <= 0)
        {
            return buckets[0].UpperBound;
        }

        var start = 0.0;
        var end = buckets[b].UpperBound;
        var count = buckets[b].Count;
        if (b > 0)
        {
            start = buckets[b - 1].UpperBound;
            count -= buckets[b - 1].Count;
            rank -= buckets[b - 1].Count;
        }

        return start + ((end - start) * (rank / count));
    }
}
