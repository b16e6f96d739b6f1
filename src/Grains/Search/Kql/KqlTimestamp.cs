using System.Globalization;

namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// Reads the values users give <c>@timestamp</c>, as Elasticsearch's default date format
/// <c>strict_date_optional_time||epoch_millis</c> does: RFC3339 / ISO 8601 (<c>2026-11-25T10:00:00.123Z</c>,
/// an offset instead of <c>Z</c>, 1 to 9 fraction digits, seconds optional), a date alone
/// (<c>2026-11-25</c>, <c>2026-11</c>, <c>2026</c>), or epoch milliseconds (<c>1795600800000</c>).
/// A time without a zone is UTC.
/// </summary>
public static class KqlTimestamp
{
    private const long NanosPerSecond = 1_000_000_000;
    private const long NanosPerMinute = 60 * NanosPerSecond;

    /// <summary>
    /// Parses <paramref name="text"/> into the span of time it names, in Unix nanoseconds:
    /// <paramref name="start"/> inclusive, <paramref name="end"/> exclusive. A date names its
    /// whole day, so <c>@timestamp:2026-11-25</c> matches the day; a range compares with the start.
    /// </summary>
    public static bool TryParse(string text, out long start, out long end)
    {
        start = 0;
        end = 0;
        var s = text.AsSpan().Trim();
        try
        {
            return !s.IsEmpty && (IsEpochMillis(s)
                ? TryParseEpochMillis(s, out start, out end)
                : TryParseIso(s, out start, out end));
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    // Four digits are a year (the date format is tried first in Elasticsearch too).
    private static bool IsEpochMillis(ReadOnlySpan<char> s)
    {
        var digits = s[0] == '-' ? s[1..] : s;
        return !digits.IsEmpty && digits.Length <= 15 && !digits.ContainsAnyExceptInRange('0', '9')
            && !(s[0] != '-' && digits.Length == 4);
    }

    private static bool TryParseEpochMillis(ReadOnlySpan<char> s, out long start, out long end)
    {
        var millis = long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        start = checked(millis * 1_000_000);
        end = checked(start + 1_000_000);
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<char> s, out long start, out long end)
    {
        start = 0;
        end = 0;
        if (s.Length < 4 || !TryDigits(s[..4], out var year) || year < 1)
        {
            return false;
        }

        var month = 1;
        var day = 1;
        var rest = s[4..];
        if (rest.IsEmpty)
        {
            return Span(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc), d => d.AddYears(1), out start, out end);
        }

        if (rest.Length < 3 || rest[0] != '-' || !TryDigits(rest.Slice(1, 2), out month) || month is < 1 or > 12)
        {
            return false;
        }

        rest = rest[3..];
        if (rest.IsEmpty)
        {
            return Span(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc), d => d.AddMonths(1), out start, out end);
        }

        if (rest.Length < 3 || rest[0] != '-' || !TryDigits(rest.Slice(1, 2), out day) || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        rest = rest[3..];
        var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
        if (rest.IsEmpty)
        {
            return Span(date, d => d.AddDays(1), out start, out end);
        }

        if (rest[0] is not ('T' or 't' or ' ') || rest.Length < 6 || rest[3] != ':'
            || !TryDigits(rest.Slice(1, 2), out var hour) || !TryDigits(rest.Slice(4, 2), out var minute) || hour > 23 || minute > 59)
        {
            return false;
        }

        long nanos = ((hour * 60L) + minute) * NanosPerMinute;
        var precision = NanosPerMinute;
        rest = rest[6..];
        if (!rest.IsEmpty && rest[0] == ':')
        {
            if (rest.Length < 3 || !TryDigits(rest.Slice(1, 2), out var second) || second > 60)
            {
                return false;
            }

            nanos += Math.Min(second, 59) * NanosPerSecond; // a leap second reads as the last second of its minute
            precision = NanosPerSecond;
            rest = rest[3..];
            if (!rest.IsEmpty && rest[0] is '.' or ',')
            {
                var length = 1;
                while (length < rest.Length && char.IsAsciiDigit(rest[length]))
                {
                    length++;
                }

                var count = length - 1;
                if (count is 0 or > 9 || !TryDigits(rest.Slice(1, count), out var fraction))
                {
                    return false;
                }

                precision = 1;
                for (var i = count; i < 9; i++)
                {
                    fraction *= 10;
                    precision *= 10;
                }

                nanos += fraction;
                rest = rest[length..];
            }
        }

        if (!TryParseOffset(rest, out var offsetNanos))
        {
            return false;
        }

        start = checked(UnixNanos(date) + nanos - offsetNanos);
        end = checked(start + precision);
        return true;
    }

    private static bool Span(DateTime from, Func<DateTime, DateTime> next, out long start, out long end)
    {
        start = UnixNanos(from);
        end = UnixNanos(next(from));
        return true;
    }

    private static long UnixNanos(DateTime utc) => checked((utc.Ticks - DateTime.UnixEpoch.Ticks) * 100);

    private static bool TryParseOffset(ReadOnlySpan<char> s, out long offsetNanos)
    {
        offsetNanos = 0;
        if (s.IsEmpty || s is "Z" or "z")
        {
            return true;
        }

        if (s[0] is not ('+' or '-'))
        {
            return false;
        }

        var body = s[1..];
        int hours, minutes;
        if (body.Length == 5 && body[2] == ':')
        {
            if (!TryDigits(body[..2], out hours) || !TryDigits(body[3..], out minutes))
            {
                return false;
            }
        }
        else if (body.Length != 4 || !TryDigits(body[..2], out hours) || !TryDigits(body[2..], out minutes))
        {
            return false;
        }

        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        offsetNanos = ((hours * 60L) + minutes) * NanosPerMinute * (s[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return !s.IsEmpty;
    }
}
