using System.Globalization;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A parser's <c>time_format</c> in strptime notation, as fluent-bit writes it:
/// <c>%Y %y %m %d %e %j %H %k %I %l %p %M %S %L %f %N %z %Z %b %h %B %a %A %s %T %F %D %R %%</c>;
/// <c>%L</c>/<c>%f</c>/<c>%N</c> are fractional seconds (any number of digits, nanoseconds kept).
/// A space matches any run of spaces (none included). Without <c>%Y</c>/<c>%y</c> the year is the
/// reference time's, or the year before when that would put the time more than a day ahead
/// (December lines read in January). Without <c>%z</c>/<c>%Z</c> the time is in the parser's offset.
/// </summary>
public sealed class TimeFormat
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private const long NanosPerDay = 86_400_000_000_000;

    private readonly string _tokens;

    private TimeFormat(string text, string tokens, bool hasYear)
    {
        Text = text;
        _tokens = tokens;
        HasYear = hasYear;
    }

    public string Text { get; }

    private bool HasYear { get; }

    /// <summary>Checks the format; false with a message naming an unknown <c>%</c> directive.</summary>
    public static bool TryParse(string format, out TimeFormat timeFormat, out string error)
    {
        timeFormat = null!;
        error = "";
        // Composite directives expand to simple ones; the result is a string where '%x' is a directive.
        var expanded = format.Replace("%T", "%H:%M:%S", StringComparison.Ordinal)
            .Replace("%F", "%Y-%m-%d", StringComparison.Ordinal)
            .Replace("%D", "%m/%d/%y", StringComparison.Ordinal)
            .Replace("%R", "%H:%M", StringComparison.Ordinal);
        var hasYear = false;
        for (var i = 0; i < expanded.Length; i++)
        {
            if (expanded[i] != '%')
            {
                continue;
            }

            if (i + 1 >= expanded.Length)
            {
                error = $"time_format '{format}' ends with a lone '%'";
                return false;
            }

            var d = expanded[++i];
            if ("YymdejHkIlpMSLfNzZbhBaAsnt%".IndexOf(d, StringComparison.Ordinal) < 0)
            {
                error = $"time_format '{format}': unknown directive '%{d}' (expected one of %Y %y %m %d %e %j %H %k %I %l %p %M %S %L %z %Z %b %B %a %s %T %F)";
                return false;
            }

            hasYear |= d is 'Y' or 'y' or 's';
        }

        timeFormat = new TimeFormat(format, expanded, hasYear);
        return true;
    }

    public static TimeFormat Parse(string format) =>
        TryParse(format, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/> whole; false when it does not fit the format or names an impossible date.</summary>
    /// <param name="text">The time as logged.</param>
    /// <param name="defaultOffset">Offset of times that carry none.</param>
    /// <param name="referenceUnixNanos">A time near the logged one (the record's read time), for formats without a year.</param>
    /// <param name="unixNanos">The time.</param>
    public bool TryParse(ReadOnlySpan<char> text, TimeSpan defaultOffset, long referenceUnixNanos, out long unixNanos)
    {
        unixNanos = 0;
        int year = 1970, month = 1, day = 1, dayOfYear = 0, hour = 0, minute = 0, second = 0, nanos = 0;
        int? pm = null;
        TimeSpan? offset = null;
        long? epochSeconds = null;
        var pos = 0;
        var tokens = _tokens.AsSpan();
        for (var t = 0; t < tokens.Length; t++)
        {
            var c = tokens[t];
            if (c == ' ')
            {
                while (pos < text.Length && char.IsWhiteSpace(text[pos]))
                {
                    pos++;
                }

                continue;
            }

            if (c != '%')
            {
                if (pos >= text.Length || text[pos] != c)
                {
                    return false;
                }

                pos++;
                continue;
            }

            var d = tokens[++t];
            var ok = d switch
            {
                'Y' => Number(text, ref pos, 4, out year),
                'y' => TwoDigitYear(text, ref pos, out year),
                'm' => Number(text, ref pos, 2, out month),
                'd' or 'e' => SkipSpaces(text, ref pos) && Number(text, ref pos, 2, out day),
                'j' => Number(text, ref pos, 3, out dayOfYear),
                'H' or 'k' => SkipSpaces(text, ref pos) && Number(text, ref pos, 2, out hour),
                'I' or 'l' => SkipSpaces(text, ref pos) && Number(text, ref pos, 2, out hour),
                'p' => AmPm(text, ref pos, out pm),
                'M' => Number(text, ref pos, 2, out minute),
                'S' => Number(text, ref pos, 2, out second),
                'L' or 'f' or 'N' => Fraction(text, ref pos, out nanos),
                'z' => Offset(text, ref pos, out offset),
                'Z' => ZoneName(text, ref pos, out offset),
                'b' or 'h' or 'B' => Name(text, ref pos, Months, MonthNames, out month),
                'a' or 'A' => Name(text, ref pos, Days, DayNames, out _),
                's' => EpochSeconds(text, ref pos, out epochSeconds),
                'n' or 't' => SkipSpaces(text, ref pos),
                '%' => pos < text.Length && text[pos++] == '%',
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (pos != text.Length)
        {
            return false;
        }

        if (epochSeconds is { } epoch)
        {
            unixNanos = (epoch * 1_000_000_000) + nanos;
            return true;
        }

        if (pm is { } afternoon)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            hour = (hour % 12) + (afternoon * 12);
        }

        if (!HasYear)
        {
            year = DateTime.UnixEpoch.AddTicks(referenceUnixNanos / 100).Year;
        }

        if (!TryCompose(year, month, day, dayOfYear, hour, minute, second, nanos, offset ?? defaultOffset, out unixNanos))
        {
            return false;
        }

        if (!HasYear && unixNanos - referenceUnixNanos > NanosPerDay)
        {
            return TryCompose(year - 1, month, day, dayOfYear, hour, minute, second, nanos, offset ?? defaultOffset, out unixNanos);
        }

        return true;
    }

    private static bool TryCompose(int year, int month, int day, int dayOfYear, int hour, int minute, int second, int nanos, TimeSpan offset, out long unixNanos)
    {
        unixNanos = 0;
        if (year is < 1 or > 9999 || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        DateTime date;
        if (dayOfYear > 0)
        {
            if (dayOfYear > (DateTime.IsLeapYear(year) ? 366 : 365))
            {
                return false;
            }

            date = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(dayOfYear - 1);
        }
        else
        {
            if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
        }

        // A leap second (:60) is read as the last moment of its minute.
        var ticks = date.Ticks + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (Math.Min(second, 59) * TimeSpan.TicksPerSecond) - offset.Ticks;
        unixNanos = ((ticks - DateTime.UnixEpoch.Ticks) * 100) + nanos;
        return true;
    }

    private static bool SkipSpaces(ReadOnlySpan<char> text, ref int pos)
    {
        while (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }

        return true;
    }

    private static bool Number(ReadOnlySpan<char> text, ref int pos, int maxDigits, out int value)
    {
        value = 0;
        var start = pos;
        while (pos < text.Length && pos - start < maxDigits && char.IsAsciiDigit(text[pos]))
        {
            value = (value * 10) + (text[pos++] - '0');
        }

        return pos > start;
    }

    private static bool TwoDigitYear(ReadOnlySpan<char> text, ref int pos, out int year)
    {
        if (!Number(text, ref pos, 2, out year))
        {
            return false;
        }

        // POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068.
        year += year >= 69 ? 1900 : 2000;
        return true;
    }

    private static bool Fraction(ReadOnlySpan<char> text, ref int pos, out int nanos)
    {
        nanos = 0;
        var start = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            if (pos - start < 9)
            {
                nanos = (nanos * 10) + (text[pos] - '0');
            }

            pos++;
        }

        var digits = pos - start;
        for (var i = digits; i < 9; i++)
        {
            nanos *= 10;
        }

        return digits > 0;
    }

    private static bool AmPm(ReadOnlySpan<char> text, ref int pos, out int? pm)
    {
        pm = null;
        if (pos + 2 > text.Length)
        {
            return false;
        }

        var word = text.Slice(pos, 2);
        if (word.Equals("AM", StringComparison.OrdinalIgnoreCase))
        {
            pm = 0;
        }
        else if (word.Equals("PM", StringComparison.OrdinalIgnoreCase))
        {
            pm = 1;
        }
        else
        {
            return false;
        }

        pos += 2;
        return true;
    }

    private static bool Offset(ReadOnlySpan<char> text, ref int pos, out TimeSpan? offset)
    {
        offset = null;
        if (pos < text.Length && (text[pos] == 'Z' || text[pos] == 'z'))
        {
            pos++;
            offset = TimeSpan.Zero;
            return true;
        }

        if (pos >= text.Length || (text[pos] != '+' && text[pos] != '-'))
        {
            return false;
        }

        var sign = text[pos++] == '-' ? -1 : 1;
        if (!Number(text, ref pos, 2, out var hours) || hours > 23)
        {
            return false;
        }

        var minutes = 0;
        if (pos < text.Length && text[pos] == ':')
        {
            pos++;
        }

        if (pos < text.Length && char.IsAsciiDigit(text[pos]) && (!Number(text, ref pos, 2, out minutes) || minutes > 59))
        {
            return false;
        }

        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }

    private static bool ZoneName(ReadOnlySpan<char> text, ref int pos, out TimeSpan? offset)
    {
        offset = null;
        var start = pos;
        while (pos < text.Length && char.IsAsciiLetter(text[pos]))
        {
            pos++;
        }

        var name = text[start..pos];
        if (name.Equals("UTC", StringComparison.OrdinalIgnoreCase) || name.Equals("GMT", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Z", StringComparison.OrdinalIgnoreCase))
        {
            offset = TimeSpan.Zero;
            return true;
        }

        // Named zones other than UTC are ambiguous (CST…); a numeric offset may follow instead.
        pos = start;
        return Offset(text, ref pos, out offset);
    }

    private static bool Name(ReadOnlySpan<char> text, ref int pos, string[] abbreviations, string[] names, out int number)
    {
        number = 0;
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var candidate in (ReadOnlySpan<string>)[names[i], abbreviations[i]])
            {
                if (pos + candidate.Length <= text.Length && text.Slice(pos, candidate.Length).Equals(candidate, StringComparison.OrdinalIgnoreCase))
                {
                    pos += candidate.Length;
                    number = i + 1;
                    return true;
                }
            }
        }

        return false;
    }

    private static bool EpochSeconds(ReadOnlySpan<char> text, ref int pos, out long? seconds)
    {
        seconds = null;
        var start = pos;
        if (pos < text.Length && text[pos] == '-')
        {
            pos++;
        }

        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        if (!long.TryParse(text[start..pos], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value is > 9_000_000_000 or < -9_000_000_000)
        {
            return false;
        }

        seconds = value;
        return true;
    }

    public override string ToString() => Text;
}
