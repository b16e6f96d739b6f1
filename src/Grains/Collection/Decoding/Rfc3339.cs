using System.Globalization;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// RFC 3339 timestamps as Unix nanoseconds: a hand-written parser for the forms container
/// runtimes write (<c>2026-11-25T10:00:00.000000123Z</c>, <c>2026-11-25T12:00:00.5+02:00</c>)
/// and the formatter stores use for <c>@timestamp</c>.
/// </summary>
public static class Rfc3339
{
    /// <summary>Length of what <see cref="FormatUnixNanos"/> writes: <c>2026-11-25T10:00:00.000000123Z</c>.</summary>
    public const int FormattedLength = 30;

    private const long NanosPerSecond = 1_000_000_000;
    private const long SecondsPerDay = 86_400;
    private const int DaysFromYearOneToUnixEpoch = 719_162;

    // Whole seconds whose nanoseconds fit in a long without further checks.
    private const long SafeSeconds = (long.MaxValue / NanosPerSecond) - 1;

    private static ReadOnlySpan<int> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    private static ReadOnlySpan<int> PowersOfTen => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>
    /// Parses an RFC 3339 time: date, <c>T</c> (or <c>t</c> or a space), time, any number of
    /// fractional digits (beyond nine they are cut, not rounded), then <c>Z</c> or <c>±hh:mm</c>.
    /// Other forms go through <see cref="DateTimeOffset.TryParse(ReadOnlySpan{char}, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>
    /// (UTC assumed when no zone is given), but only when the text starts with a <c>yyyy-</c> date.
    /// </summary>
    /// <returns>False when the text is not a time or lies outside what a long of nanoseconds holds (1677–2262).</returns>
    public static bool TryParseUnixNanos(ReadOnlySpan<byte> text, out long unixNanos)
        => TryParseExact(text, out unixNanos, out var wellFormed) || (!wellFormed && TryParseOddForm(text, out unixNanos));

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss.fffffffffZ</c> (always nine fractional digits, UTC).</summary>
    /// <returns>The bytes written, <see cref="FormattedLength"/>.</returns>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="FormattedLength"/>.</exception>
    public static int FormatUnixNanos(long unixNanos, Span<byte> destination)
    {
        if (destination.Length < FormattedLength)
        {
            throw new ArgumentException($"The destination needs {FormattedLength} bytes for an RFC 3339 time.", nameof(destination));
        }

        var seconds = Math.DivRem(unixNanos, NanosPerSecond, out var nanos);
        if (nanos < 0)
        {
            nanos += NanosPerSecond;
            seconds--;
        }

        var days = Math.DivRem(seconds, SecondsPerDay, out var secondOfDay);
        if (secondOfDay < 0)
        {
            secondOfDay += SecondsPerDay;
            days--;
        }

        var date = new DateTime(DateTime.UnixEpoch.Ticks + (days * TimeSpan.TicksPerDay), DateTimeKind.Utc);
        date.Deconstruct(out int year, out int month, out int day);

        WriteDigits(destination[..4], year);
        destination[4] = (byte)'-';
        WriteDigits(destination.Slice(5, 2), month);
        destination[7] = (byte)'-';
        WriteDigits(destination.Slice(8, 2), day);
        destination[10] = (byte)'T';
        WriteDigits(destination.Slice(11, 2), (int)(secondOfDay / 3600));
        destination[13] = (byte)':';
        WriteDigits(destination.Slice(14, 2), (int)(secondOfDay / 60 % 60));
        destination[16] = (byte)':';
        WriteDigits(destination.Slice(17, 2), (int)(secondOfDay % 60));
        destination[19] = (byte)'.';
        WriteDigits(destination.Slice(20, 9), (int)nanos);
        destination[29] = (byte)'Z';
        return FormattedLength;
    }

    // wellFormed: the text has RFC 3339 syntax, so a false return means an impossible date or a
    // time out of range, which no fallback should reinterpret.
    private static bool TryParseExact(ReadOnlySpan<byte> text, out long unixNanos, out bool wellFormed)
    {
        unixNanos = 0;
        wellFormed = false;

        // yyyy-MM-ddTHH:mm:ssZ is the shortest accepted form.
        if (text.Length < 20
            || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':'
            || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
            || !TryDigits(text[..4], out var year)
            || !TryDigits(text.Slice(5, 2), out var month)
            || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour)
            || !TryDigits(text.Slice(14, 2), out var minute)
            || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        var i = 19;
        var fraction = 0;
        if (text[i] == '.')
        {
            var start = ++i;
            while (i < text.Length && IsDigit(text[i]))
            {
                if (i - start < 9)
                {
                    fraction = (fraction * 10) + (text[i] - '0');
                }

                i++;
            }

            var digits = i - start;
            if (digits == 0)
            {
                return false;
            }

            if (digits < 9)
            {
                fraction *= PowersOfTen[9 - digits];
            }
        }

        if (i >= text.Length)
        {
            return false;
        }

        int offsetSeconds;
        switch (text[i])
        {
            case (byte)'Z' or (byte)'z':
                offsetSeconds = 0;
                i++;
                break;
            case (byte)'+' or (byte)'-':
                if (text.Length - i < 6
                    || text[i + 3] != ':'
                    || !TryDigits(text.Slice(i + 1, 2), out var offsetHours)
                    || !TryDigits(text.Slice(i + 4, 2), out var offsetMinutes)
                    || offsetHours > 23 || offsetMinutes > 59)
                {
                    return false;
                }

                offsetSeconds = (offsetHours * 3600) + (offsetMinutes * 60);
                if (text[i] == '-')
                {
                    offsetSeconds = -offsetSeconds;
                }

                i += 6;
                break;
            default:
                return false;
        }

        if (i != text.Length)
        {
            return false;
        }

        wellFormed = true;
        if (year == 0 || month is < 1 or > 12 || day < 1
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var leap = (year % 4 == 0) && (year % 100 != 0 || year % 400 == 0);
        var daysInMonth = DaysBeforeMonth[month] - DaysBeforeMonth[month - 1] + (leap && month == 2 ? 1 : 0);
        if (day > daysInMonth)
        {
            return false;
        }

        var yearsBefore = year - 1;
        long days = (yearsBefore * 365L) + (yearsBefore / 4) - (yearsBefore / 100) + (yearsBefore / 400)
            + DaysBeforeMonth[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1
            - DaysFromYearOneToUnixEpoch;
        var seconds = (days * SecondsPerDay) + (hour * 3600) + (minute * 60) + second - offsetSeconds;
        return TryToNanos(seconds, fraction, out unixNanos);
    }

    private static bool TryParseOddForm(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;

        // DateTimeOffset.TryParse takes a bare "10:00" as today at ten: insist on a yyyy- date first.
        if (text.Length < 10 || text.Length > 64 || text[4] != '-' || !TryDigits(text[..4], out _))
        {
            return false;
        }

        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                return false;
            }

            chars[i] = (char)text[i];
        }

        if (!DateTimeOffset.TryParse(chars[..text.Length], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            remainder += TimeSpan.TicksPerSecond;
            seconds--;
        }

        return TryToNanos(seconds, (int)(remainder * TimeSpan.NanosecondsPerTick), out unixNanos);
    }

    private static bool TryToNanos(long seconds, int fraction, out long unixNanos)
    {
        if (seconds is >= -SafeSeconds and <= SafeSeconds)
        {
            unixNanos = (seconds * NanosPerSecond) + fraction;
            return true;
        }

        var total = ((Int128)seconds * NanosPerSecond) + fraction;
        if (total < long.MinValue || total > long.MaxValue)
        {
            unixNanos = 0;
            return false;
        }

        unixNanos = (long)total;
        return true;
    }

    private static bool IsDigit(byte value) => (uint)(value - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
