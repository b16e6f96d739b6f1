using System.Globalization;

namespace Pipeline.Tests.Support;

/// <summary>
/// Date parsing for <c>date</c> and <c>date_nanos</c> fields and for date detection: a format is
/// a <c>||</c>-separated list of Elasticsearch's named formats (<c>strict_date_optional_time</c>,
/// <c>strict_date_optional_time_nanos</c>, <c>date_optional_time</c>, <c>strict_date</c>,
/// <c>date</c>, <c>strict_date_time</c>, <c>date_time</c>, <c>epoch_millis</c>,
/// <c>epoch_second</c>) or Java patterns made of <c>yyyy</c>/<c>uuuu</c>, <c>MM</c>, <c>dd</c>,
/// <c>HH</c>, <c>mm</c>, <c>ss</c>, <c>S…</c>, <c>Z</c>/<c>X</c> and literals (such as the
/// default dynamic format <c>yyyy/MM/dd HH:mm:ss Z</c>). Values are Unix nanoseconds, UTC when
/// the text has no zone.
/// </summary>
internal static class ElasticsearchStandInDates
{
    /// <summary>Elasticsearch's default <c>dynamic_date_formats</c>: each entry is one formatter, possibly of alternatives.</summary>
    public static readonly string[] DefaultDynamicFormats = ["strict_date_optional_time", "yyyy/MM/dd HH:mm:ss Z||yyyy/MM/dd Z"];

    public static string DefaultFormat(string type) =>
        type == "date_nanos" ? "strict_date_optional_time_nanos||epoch_millis" : "strict_date_optional_time||epoch_millis";

    /// <summary>Parses a string value with the first format of <paramref name="format"/> that accepts it.</summary>
    public static bool TryParse(string text, string format, out long nanos)
    {
        foreach (var one in format.Split("||"))
        {
            if (TryParseOne(text, one.Trim(), out nanos))
            {
                return true;
            }
        }

        nanos = 0;
        return false;
    }

    private static bool TryParseOne(string text, string format, out long nanos)
    {
        nanos = 0;
        switch (format)
        {
            case "strict_date_optional_time" or "strict_date_optional_time_nanos" or "date_optional_time" or "strict_date_time" or "date_time":
                return TryIso(text, out nanos);
            case "strict_date" or "date":
                return text.Length == 10 && TryIso(text, out nanos);
            case "epoch_millis":
                return TryEpoch(text, 1_000_000, out nanos);
            case "epoch_second":
                return TryEpoch(text, 1_000_000_000, out nanos);
            default:
                return TryJavaPattern(text, format, out nanos);
        }
    }

    private static bool TryEpoch(string text, long nanosPerUnit, out long nanos)
    {
        nanos = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var units))
        {
            return false;
        }

        try
        {
            nanos = checked((long)(units * nanosPerUnit));
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    // yyyy[-MM[-dd]][T HH[:mm[:ss[.f…]]]][Z|±HH[:]mm|±HH]
    /// <summary>
    /// A query bound or term as Elasticsearch's date math parser reads it: the span the text names,
    /// rounded down for its start and up (missing fields at their largest) for its end, so
    /// <c>2026-11-25</c> is that whole day and <c>2026-11-25T10:00</c> that minute. Epoch
    /// milliseconds name one millisecond. <paramref name="end"/> is exclusive.
    /// </summary>
    public static bool TrySpan(string text, out long start, out long end)
    {
        if (TryIso(text, out start, out var precision))
        {
            end = precision(start);
            return true;
        }

        if (TryEpoch(text, 1_000_000, out start))
        {
            end = start + 1_000_000;
            return true;
        }

        end = 0;
        return false;
    }

    private static bool TryIso(string text, out long nanos) => TryIso(text, out nanos, out _);

    /// <param name="text">An ISO 8601 date with optional time and zone.</param>
    /// <param name="nanos">The instant it starts at.</param>
    /// <param name="next">The instant one unit of its last field later (a year, month, day, hour, minute, second or fraction digit).</param>
    private static bool TryIso(string text, out long nanos, out Func<long, long> next)
    {
        nanos = 0;
        next = n => n;
        var p = 0;
        var unit = "year";
        var fractionDigits = 0;
        if (!Digits(text, ref p, 4, out var year))
        {
            return false;
        }

        var (month, day, hour, minute, second, fraction) = (1, 1, 0, 0, 0, 0L);
        if (Take(text, ref p, '-'))
        {
            unit = "month";
            if (!Digits(text, ref p, 2, out month))
            {
                return false;
            }

            if (Take(text, ref p, '-'))
            {
                unit = "day";
                if (!Digits(text, ref p, 2, out day))
                {
                    return false;
                }
            }
        }

        var offset = TimeSpan.Zero;
        if (Take(text, ref p, 'T'))
        {
            unit = "hour";
            if (!Digits(text, ref p, 2, out hour))
            {
                return false;
            }

            if (Take(text, ref p, ':'))
            {
                unit = "minute";
                if (!Digits(text, ref p, 2, out minute))
                {
                    return false;
                }

                if (Take(text, ref p, ':'))
                {
                    unit = "second";
                    if (!Digits(text, ref p, 2, out second))
                    {
                        return false;
                    }

                    if (Take(text, ref p, '.') || Take(text, ref p, ','))
                    {
                        unit = "fraction";
                        var start = p;
                        while (p < text.Length && char.IsAsciiDigit(text[p]) && p - start < 9)
                        {
                            fraction = (fraction * 10) + (text[p] - '0');
                            p++;
                        }

                        if (p == start)
                        {
                            return false;
                        }

                        fractionDigits = p - start;

                        for (var pad = p - start; pad < 9; pad++)
                        {
                            fraction *= 10;
                        }
                    }
                }
            }

            if (!TryZone(text, ref p, out offset))
            {
                return false;
            }
        }

        if (p != text.Length || !Compose(year, month, day, hour, minute, second, fraction, offset, out nanos))
        {
            return false;
        }

        // Calendar units are added in the text's own zone (a month or a year is not a fixed length).
        var zone = offset;
        var digits = fractionDigits;
        next = unit switch
        {
            "year" => n => AddInZone(n, zone, t => t.AddYears(1)),
            "month" => n => AddInZone(n, zone, t => t.AddMonths(1)),
            "day" => n => AddInZone(n, zone, t => t.AddDays(1)),
            "hour" => n => n + 3_600_000_000_000L,
            "minute" => n => n + 60_000_000_000L,
            "second" => n => n + 1_000_000_000L,
            _ => n => n + (long)Math.Pow(10, 9 - digits),
        };
        return true;
    }

    private static long AddInZone(long nanos, TimeSpan zone, Func<DateTimeOffset, DateTimeOffset> step)
    {
        var local = new DateTimeOffset(DateTime.UnixEpoch.AddTicks(nanos / 100), TimeSpan.Zero).ToOffset(zone);
        return (step(local).UtcTicks - DateTime.UnixEpoch.Ticks) * 100 + (nanos % 100);
    }

    private static bool TryZone(string text, ref int p, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (p == text.Length || Take(text, ref p, 'Z'))
        {
            return true;
        }

        if (text[p] is not ('+' or '-'))
        {
            return false;
        }

        var sign = text[p++] == '-' ? -1 : 1;
        if (!Digits(text, ref p, 2, out var hours))
        {
            return false;
        }

        var minutes = 0;
        var colon = Take(text, ref p, ':');
        if ((colon || p < text.Length) && !Digits(text, ref p, 2, out minutes))
        {
            return false;
        }

        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }

    /// <summary>A Java <c>DateTimeFormatter</c> pattern of the common letters; anything else in it is a literal.</summary>
    private static bool TryJavaPattern(string text, string pattern, out long nanos)
    {
        nanos = 0;
        var (year, month, day, hour, minute, second, fraction) = (1970, 1, 1, 0, 0, 0, 0L);
        var offset = TimeSpan.Zero;
        var p = 0;
        for (var i = 0; i < pattern.Length;)
        {
            var letter = pattern[i];
            var count = 1;
            while (i + count < pattern.Length && pattern[i + count] == letter)
            {
                count++;
            }

            i += count;
            var ok = letter switch
            {
                'y' or 'u' => Digits(text, ref p, count == 2 ? 2 : 4, out year),
                'M' => Digits(text, ref p, 2, out month),
                'd' => Digits(text, ref p, 2, out day),
                'H' => Digits(text, ref p, 2, out hour),
                'm' => Digits(text, ref p, 2, out minute),
                's' => Digits(text, ref p, 2, out second),
                'S' => Fraction(text, ref p, count, out fraction),
                'Z' or 'X' or 'x' => TryZone(text, ref p, out offset),
                '\'' => true,
                _ => Literal(text, ref p, letter, count),
            };
            if (!ok)
            {
                return false;
            }
        }

        return p == text.Length && Compose(year, month, day, hour, minute, second, fraction, offset, out nanos);
    }

    private static bool Fraction(string text, ref int p, int digits, out long fraction)
    {
        fraction = 0;
        if (!Digits(text, ref p, digits, out var value))
        {
            return false;
        }

        fraction = value;
        for (var pad = digits; pad < 9; pad++)
        {
            fraction *= 10;
        }

        return true;
    }

    private static bool Literal(string text, ref int p, char c, int count)
    {
        for (var k = 0; k < count; k++)
        {
            if (!Take(text, ref p, c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Compose(int year, int month, int day, int hour, int minute, int second, long fraction, TimeSpan offset, out long nanos)
    {
        nanos = 0;
        if (month is < 1 or > 12 || day < 1 || year is < 1 or > 9999 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var utc = new DateTimeOffset(year, month, day, hour, minute, second, offset).UtcTicks - DateTime.UnixEpoch.Ticks;
        nanos = (utc * 100) + fraction;
        return true;
    }

    private static bool Digits(string text, ref int p, int count, out int value)
    {
        value = 0;
        if (p + count > text.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            if (!char.IsAsciiDigit(text[p + k]))
            {
                return false;
            }

            value = (value * 10) + (text[p + k] - '0');
        }

        p += count;
        return true;
    }

    private static bool Take(string text, ref int p, char c)
    {
        if (p < text.Length && text[p] == c)
        {
            p++;
            return true;
        }

        return false;
    }
}
