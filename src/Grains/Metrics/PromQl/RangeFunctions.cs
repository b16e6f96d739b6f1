namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// The functions of a range of one series' samples, with Prometheus 2.42's arithmetic (extrapolation,
/// counter resets, compensated sums) so answers agree with Prometheus to the last bits.
/// </summary>
internal static class RangeFunctions
{
    /// <summary>
    /// rate, increase and delta: the change over the samples, counter resets added back for counters,
    /// extrapolated towards the window's edges (by at most half a sample interval where the series
    /// seems to start or end inside the window, and never below zero for counters).
    /// </summary>
    public static double? ExtrapolatedRate(ReadOnlySpan<long> t, ReadOnlySpan<double> v, long rangeStartMs, long rangeEndMs, long rangeMs, bool isCounter, bool isRate)
    {
        if (v.Length < 2)
        {
            return null;
        }

        var last = v.Length - 1;
        var result = v[last] - v[0];
        if (isCounter)
        {
            var previous = v[0];
            for (var i = 1; i < v.Length; i++)
            {
                if (v[i] < previous)
                {
                    result += previous;
                }

                previous = v[i];
            }
        }

        var toStart = (t[0] - rangeStartMs) / 1000.0;
        var toEnd = (rangeEndMs - t[last]) / 1000.0;
        var sampled = (t[last] - t[0]) / 1000.0;
        var averageGap = sampled / last;
        if (isCounter && result > 0 && v[0] >= 0)
        {
            // A counter would have been zero this long before its first sample: do not extrapolate past that.
            var toZero = sampled * (v[0] / result);
            if (toZero < toStart)
            {
                toStart = toZero;
            }
        }

        var threshold = averageGap * 1.1;
        var interval = sampled;
        interval += toStart < threshold ? toStart : averageGap / 2;
        interval += toEnd < threshold ? toEnd : averageGap / 2;
        // One factor, divided by the range before it scales the change: the same roundings as Prometheus.
        var factor = interval / sampled;
        if (isRate)
        {
            factor /= rangeMs / 1000.0;
        }

        return result * factor;
    }

    /// <summary>irate and idelta: from the last two samples only.</summary>
    public static double? InstantValue(ReadOnlySpan<long> t, ReadOnlySpan<double> v, bool isRate)
    {
        if (v.Length < 2)
        {
            return null;
        }

        var last = v[^1];
        var previous = v[^2];
        var result = isRate && last < previous ? last : last - previous;
        var interval = t[^1] - t[^2];
        if (interval == 0)
        {
            return null;
        }

        if (isRate)
        {
            result /= interval / 1000.0;
        }

        return result;
    }

    public static double Changes(ReadOnlySpan<double> v)
    {
        var changes = 0;
        for (var i = 1; i < v.Length; i++)
        {
            if (v[i] != v[i - 1] && !(double.IsNaN(v[i]) && double.IsNaN(v[i - 1])))
            {
                changes++;
            }
        }

        return changes;
    }

    public static double Resets(ReadOnlySpan<double> v)
    {
        var resets = 0;
        for (var i = 1; i < v.Length; i++)
        {
            if (v[i] < v[i - 1])
            {
                resets++;
            }
        }

        return resets;
    }

    /// <summary>Neumaier's compensated addition: the running sum and its error term.</summary>
    public static (double Sum, double C) KahanAdd(double increment, double sum, double c)
    {
        var t = sum + increment;
        if (Math.Abs(sum) >= Math.Abs(increment))
        {
            c += (sum - t) + increment;
        }
        else
        {
            c += (increment - t) + sum;
        }

        return (t, c);
    }

    public static double Sum(ReadOnlySpan<double> v)
    {
        double sum = 0, c = 0;
        foreach (var x in v)
        {
            (sum, c) = KahanAdd(x, sum, c);
        }

        return double.IsInfinity(sum) ? sum : sum + c;
    }

    /// <summary>The mean as a running average (no overflow on large values), infinities kept as Prometheus keeps them.</summary>
    public static double Average(ReadOnlySpan<double> v)
    {
        double mean = 0, c = 0, count = 0;
        foreach (var x in v)
        {
            count++;
            if (double.IsInfinity(mean))
            {
                if (double.IsInfinity(x) && (mean > 0) == (x > 0))
                {
                    continue;
                }

                if (!double.IsInfinity(x) && !double.IsNaN(x))
                {
                    continue;
                }
            }

            (mean, c) = KahanAdd((x / count) - (mean / count), mean, c);
        }

        return double.IsInfinity(mean) ? mean : mean + c;
    }

    public static double Min(ReadOnlySpan<double> v)
    {
        var min = v[0];
        foreach (var x in v)
        {
            if (x < min || double.IsNaN(min))
            {
                min = x;
            }
        }

        return min;
    }

    public static double Max(ReadOnlySpan<double> v)
    {
        var max = v[0];
        foreach (var x in v)
        {
            if (x > max || double.IsNaN(max))
            {
                max = x;
            }
        }

        return max;
    }

    /// <summary>The population variance by Welford's method with compensated sums.</summary>
    public static double Variance(ReadOnlySpan<double> v)
    {
        double count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
        foreach (var x in v)
        {
            count++;
            var delta = x - (mean + cMean);
            (mean, cMean) = KahanAdd(delta / count, mean, cMean);
            (aux, cAux) = KahanAdd(delta * (x - (mean + cMean)), aux, cAux);
        }

        return (aux + cAux) / count;
    }

    /// <summary>
    /// Least-squares line through the samples, x in seconds from <paramref name="interceptTimeMs"/>:
    /// its slope and its value there. Constant samples give slope 0 exactly (NaN when infinite).
    /// </summary>
    public static (double Slope, double Intercept) LinearRegression(ReadOnlySpan<long> t, ReadOnlySpan<double> v, long interceptTimeMs)
    {
        double n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
        var constant = true;
        for (var i = 0; i < v.Length; i++)
        {
            if (constant && i > 0 && v[i] != v[0])
            {
                constant = false;
            }

            n++;
            var x = (t[i] - interceptTimeMs) / 1e3;
            (sumX, cX) = KahanAdd(x, sumX, cX);
            (sumY, cY) = KahanAdd(v[i], sumY, cY);
            (sumXY, cXY) = KahanAdd(x * v[i], sumXY, cXY);
            (sumX2, cX2) = KahanAdd(x * x, sumX2, cX2);
        }

        if (constant)
        {
            return double.IsInfinity(v[0]) ? (double.NaN, double.NaN) : (0, v[0]);
        }

        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        var covariance = sumXY - (sumX * sumY / n);
        var variance = sumX2 - (sumX * sumX / n);
        var slope = covariance / variance;
        return (slope, (sumY / n) - (slope * sumX / n));
    }

    /// <summary>The φ-quantile by linear interpolation between closest ranks (sorts <paramref name="values"/>).</summary>
    public static double Quantile(double q, Span<double> values)
    {
        if (values.Length == 0 || double.IsNaN(q))
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

        // NaN sorts first, as in Prometheus.
        values.Sort(static (a, b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : -1) : double.IsNaN(b) ? 1 : a.CompareTo(b));
        var n = (double)values.Length;
        var rank = q * (n - 1);
        var lower = Math.Max(0, Math.Floor(rank));
        var upper = Math.Min(n - 1, lower + 1);
        var weight = rank - Math.Floor(rank);
        return (values[(int)lower] * (1 - weight)) + (values[(int)upper] * weight);
    }
}
