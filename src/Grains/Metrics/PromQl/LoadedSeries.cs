using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// A series read once for a whole query: instant selectors search it at every step. For range
/// selectors the staleness markers are removed (Prometheus never puts them in a range), sharing the
/// arrays when there are none.
/// </summary>
internal sealed class LoadedSeries
{
    public LoadedSeries(LabelSet labels, long[] timestampsMs, double[] values)
    {
        Labels = labels;
        TimestampsMs = timestampsMs;
        Values = values;
    }

    public LabelSet Labels { get; }

    public long[] TimestampsMs { get; }

    public double[] Values { get; }

    /// <summary>The same series without its staleness markers.</summary>
    public static LoadedSeries WithoutStaleMarkers(SeriesSamples series)
    {
        var stale = 0;
        foreach (var v in series.Values)
        {
            if (IsStale(v))
            {
                stale++;
            }
        }

        if (stale == 0)
        {
            return new LoadedSeries(series.Labels, series.TimestampsMs, series.Values);
        }

        var times = new long[series.Count - stale];
        var values = new double[times.Length];
        var j = 0;
        for (var i = 0; i < series.Count; i++)
        {
            if (!IsStale(series.Values[i]))
            {
                times[j] = series.TimestampsMs[i];
                values[j++] = series.Values[i];
            }
        }

        return new LoadedSeries(series.Labels, times, values);
    }

    public static bool IsStale(double value) => BitConverter.DoubleToInt64Bits(value) == Scraping.Targets.StaleMarker.Bits;

    /// <summary>The index of the first sample at or after <paramref name="timeMs"/>.</summary>
    public int LowerBound(long timeMs)
    {
        int lo = 0, hi = TimestampsMs.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TimestampsMs[mid] < timeMs)
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

    /// <summary>The index of the first sample after <paramref name="timeMs"/>.</summary>
    public int UpperBound(long timeMs) => LowerBound(timeMs == long.MaxValue ? timeMs : timeMs + 1);
}
