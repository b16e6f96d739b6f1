namespace Pipeline.Grains.Store.Embedded;

/// <summary>Formats Unix nanoseconds as RFC3339 UTC with nine fraction digits: <c>2026-11-25T10:00:00.000000123Z</c>.</summary>
internal static class StoreTimestamp
{
    /// <summary>Characters written: every time a long of nanoseconds can hold (years 1677 to 2262) has a four-digit year.</summary>
    public const int Length = 30;

    private const long NanosPerSecond = 1_000_000_000;

    public static string Format(long unixNanos) => string.Create(Length, unixNanos, static (span, nanos) => Format(nanos, span));

    public static void Format(long unixNanos, Span<char> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Needs room for {Length} characters.", nameof(destination));
        }

        var seconds = Math.DivRem(unixNanos, NanosPerSecond, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += NanosPerSecond;
        }

        var time = DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond);
        WriteDigits(destination[..4], time.Year);
        destination[4] = '-';
        WriteDigits(destination.Slice(5, 2), time.Month);
        destination[7] = '-';
        WriteDigits(destination.Slice(8, 2), time.Day);
        destination[10] = 'T';
        WriteDigits(destination.Slice(11, 2), time.Hour);
        destination[13] = ':';
        WriteDigits(destination.Slice(14, 2), time.Minute);
        destination[16] = ':';
        WriteDigits(destination.Slice(17, 2), time.Second);
        destination[19] = '.';
        WriteDigits(destination.Slice(20, 9), fraction);
        destination[29] = 'Z';
    }

    private static void WriteDigits(Span<char> destination, long value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
