using Pipeline.Grains.Processing.Filters;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class TimeFormatTests
{
    private static readonly long Reference = Nanos(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));

    private static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    private static long? Parse(string format, string text, TimeSpan offset = default)
    {
        Assert.True(TimeFormat.TryParse(format, out var parsed, out var error), error);
        return parsed.TryParse(text, offset, Reference, out var nanos) ? nanos : null;
    }

    [Theory]
    [InlineData("%d/%b/%Y:%H:%M:%S %z", "25/Nov/2025:10:00:00 +0100", "2025-11-25T09:00:00Z", 0)]
    [InlineData("%Y-%m-%dT%H:%M:%S.%L%z", "2025-11-25T10:00:00.123456789+02:00", "2025-11-25T08:00:00Z", 123_456_789)]
    [InlineData("%Y-%m-%dT%H:%M:%S.%LZ", "2025-11-25T10:00:00.5Z", "2025-11-25T10:00:00Z", 500_000_000)]
    [InlineData("%F %T", "2025-11-25 10:00:00", "2025-11-25T10:00:00Z", 0)]
    [InlineData("%s.%L", "1764064800.25", "2025-11-25T10:00:00Z", 250_000_000)]
    [InlineData("%d %B %Y %I:%M %p %Z", "5 november 2025 01:30 PM UTC", "2025-11-05T13:30:00Z", 0)]
    [InlineData("%a, %d %b %Y %H:%M:%S GMT", "Tue, 25 Nov 2025 10:00:00 GMT", "2025-11-25T10:00:00Z", 0)]
    [InlineData("%y%m%d %H%M%S", "251125 100000", "2025-11-25T10:00:00Z", 0)]
    [InlineData("%Y %j", "2025 329", "2025-11-25T00:00:00Z", 0)]
    public void Strptime_formats_read_the_time(string format, string text, string expectedSecond, long expectedNanos)
    {
        var nanos = Parse(format, text);

        var second = DateTimeOffset.Parse(expectedSecond, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Nanos(second) + expectedNanos, nanos);
    }

    [Fact]
    public void A_time_without_zone_is_in_the_parser_offset()
    {
        Assert.Equal(Nanos(new DateTimeOffset(2025, 11, 25, 8, 0, 0, TimeSpan.Zero)), Parse("%F %T", "2025-11-25 10:00:00", TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_format_without_year_takes_the_reference_year_or_the_one_before_for_times_ahead()
    {
        Assert.Equal(Nanos(new DateTimeOffset(2026, 1, 1, 23, 0, 0, TimeSpan.Zero)), Parse("%b %d %H:%M:%S", "Jan  1 23:00:00"));
        Assert.Equal(Nanos(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero)), Parse("%b %d %H:%M:%S", "Dec 31 23:00:00"));
    }

    [Theory]
    [InlineData("%Y-%m-%d", "2025-02-30")]
    [InlineData("%Y-%m-%d", "2025-11-25 trailing")]
    [InlineData("%H:%M", "25:00")]
    [InlineData("%d/%b/%Y", "25/Foo/2025")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2025-11-25T10:00:00+2500")]
    public void Text_that_does_not_fit_the_format_or_the_calendar_fails(string format, string text)
    {
        Assert.Null(Parse(format, text));
    }

    [Fact]
    public void An_unknown_directive_is_refused_with_the_list_of_known_ones()
    {
        Assert.False(TimeFormat.TryParse("%Y-%Q", out _, out var error));
        Assert.Contains("'%Q'", error, StringComparison.Ordinal);
        Assert.Contains("%Y", error, StringComparison.Ordinal);
    }
}
