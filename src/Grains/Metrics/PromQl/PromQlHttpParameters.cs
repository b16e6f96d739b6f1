using System.Globalization;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// The <c>time</c>, <c>start</c>, <c>end</c>, <c>step</c> and <c>timeout</c> parameters as Prometheus's
/// HTTP API reads them: a time is Unix seconds (a float, milliseconds kept) or RFC 3339; a duration is
/// float seconds or a Prometheus duration (<c>1m30s</c>). Errors are <c>bad_data</c> in Prometheus's words.
/// </summary>
public static class PromQlHttpParameters
{
    /// <summary>A time parameter in Unix milliseconds; <paramref name="defaultMs"/> when it is absent or empty.</summary>
    public static long ParseTimeMs(string? value, string parameter, long defaultMs)
    {
        if (string.IsNullOrEmpty(value))
        {
            return defaultMs;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && !double.IsNaN(seconds) && !double.IsInfinity(seconds))
        {
            var whole = Math.Truncate(seconds);
            var fraction = Math.Round((seconds - whole) * 1000) / 1000;
            if (Math.Abs(whole) < 9.2e15)
            {
                return ((long)whole * 1000) + (long)Math.Round(fraction * 1000);
            }
        }

        if (DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }

        throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"{parameter}\": cannot parse \"{value}\" to a valid timestamp");
    }

    /// <summary>A duration parameter (step, timeout) in milliseconds.</summary>
    public static long ParseDurationMs(string? value, string parameter)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"{parameter}\": cannot parse \"\" to a valid duration");
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && !double.IsNaN(seconds))
        {
            var ms = seconds * 1000;
            if (ms >= long.MaxValue / 1_000_000.0 || ms <= long.MinValue / 1_000_000.0)
            {
                throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"{parameter}\": cannot parse \"{value}\" to a valid duration. It overflows int64");
            }

            return (long)Math.Round(ms);
        }

        if (PrometheusDuration.TryParse(value, out var duration, out _))
        {
            return (long)duration.TotalMilliseconds;
        }

        throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"{parameter}\": cannot parse \"{value}\" to a valid duration");
    }
}
