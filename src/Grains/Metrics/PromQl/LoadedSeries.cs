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

    /// <summary>
    /// <see cref="LowerBound(long)"/> starting from where the previous search with this <paramref name="hint"/>
    /// ended: a range query's steps move forward a few samples at a time, so a short forward scan over
    /// memory just read beats a binary search that misses the cache at every probe.
    /// </summary>
    public int LowerBound(long timeMs, ref int hint)
    {
        var times = TimestampsMs;
        var i = hint;
        if (i > times.Length || (i > 0 && times[i - 1] >= timeMs))
        {
            i = LowerBound(timeMs);
        }
        else
        {
            var limit = Math.Min(times.Length, i + 16);
            while (i < limit && times[i] < timeMs)
            {
                i++;
            }

            if (i == limit && i < times.Length && times[i] < timeMs)
            {
                i = LowerBound(timeMs);
            }
        }

        hint = i;
        return i;
    }

    /// <summary>Where the last instant search (or the start of the last range) ended.</summary>
    public int StartHint;

    /// <summary>Where the end of the last range search ended.</summary>
    public int EndHint;
}
