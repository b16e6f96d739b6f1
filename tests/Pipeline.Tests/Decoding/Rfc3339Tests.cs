using System.Text;
using Pipeline.Grains.Collection.Decoding;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class Rfc3339Tests
{
    private const long TenOClock = 1_795_600_800_000_000_000;

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", 0)]
    [InlineData("2026-11-25T10:00:00.1Z", 100_000_000)]
    [InlineData("2026-11-25T10:00:00.12Z", 120_000_000)]
    [InlineData("2026-11-25T10:00:00.123Z", 123_000_000)]
    [InlineData("2026-11-25T10:00:00.123456Z", 123_456_000)]
    [InlineData("2026-11-25T10:00:00.12345678Z", 123_456_780)]
    [InlineData("2026-11-25T10:00:00.000000123Z", 123)]
    [InlineData("2026-11-25T10:00:00.999999999Z", 999_999_999)]
    public void Parses_zero_to_nine_fraction_digits(string text, long nanos)
    {
        Assert.True(Rfc3339.TryParseUnixNanos(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(TenOClock + nanos, value);
    }

    [Theory]
    [InlineData("2026-11-25T12:00:00+02:00")]
    [InlineData("2026-11-25T04:30:00-05:30")]
    [InlineData("2026-11-25T10:00:00+00:00")]
    [InlineData("2026-11-25T10:00:00-00:00")]
    [InlineData("2026-11-26T09:59:00+23:59")]
    [InlineData("2026-11-25t10:00:00z")]
    [InlineData("2026-11-25 10:00:00Z")]
    public void Parses_offsets_and_accepted_separators_to_utc(string text)
    {
        Assert.True(Rfc3339.TryParseUnixNanos(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(TenOClock, value);
    }

    [Fact]
    public void Fraction_digits_beyond_nine_are_cut_not_rounded()
    {
        Assert.True(Rfc3339.TryParseUnixNanos("2026-11-25T10:00:00.1234567899Z"u8, out var value));
        Assert.Equal(TenOClock + 123_456_789, value);
    }

    [Fact]
    public void Leap_day_of_a_leap_year_parses()
    {
        Assert.True(Rfc3339.TryParseUnixNanos("2028-02-29T00:00:00Z"u8, out var value));
        Assert.Equal(1_835_395_200_000_000_000, value);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00+0200")]
    [InlineData("2026-11-25T10:00:00+02")]
    [InlineData("2026-11-25T12:00:00.0000000+02:00 ")]
    [InlineData("2026-11-25T10:00:00")]
    public void Odd_forms_fall_back_to_DateTimeOffset_with_utc_assumed(string text)
    {
        Assert.True(Rfc3339.TryParseUnixNanos(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(text.StartsWith("2026-11-25T10:00:00+02", StringComparison.Ordinal) ? TenOClock - (2 * 3_600_000_000_000L) : TenOClock, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10:00")]
    [InlineData("10:00:00Z")]
    [InlineData("yesterday")]
    [InlineData("2026-02-29T10:00:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-00-01T10:00:00Z")]
    [InlineData("2026-11-31T10:00:00Z")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T10:60:00Z")]
    [InlineData("2026-11-25T10:00:60Z")]
    [InlineData("2026-11-25T10:00:00.Z")]
    [InlineData("2026-11-25T10:00:00+24:00")]
    [InlineData("2026-11-25X10:00:00Z")]
    [InlineData("2026-11-25T10:00:00Zjunk")]
    [InlineData("2026-11-25T10:00:00.1é")]
    public void Rejects_what_is_not_a_time(string text)
    {
        Assert.False(Rfc3339.TryParseUnixNanos(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Accepts_the_edges_of_long_nanoseconds_and_rejects_beyond()
    {
        Assert.True(Rfc3339.TryParseUnixNanos("2262-04-11T23:47:16.854775807Z"u8, out var max));
        Assert.Equal(long.MaxValue, max);
        Assert.True(Rfc3339.TryParseUnixNanos("1677-09-21T00:12:43.145224192Z"u8, out var min));
        Assert.Equal(long.MinValue, min);
        Assert.False(Rfc3339.TryParseUnixNanos("2262-04-11T23:47:16.854775808Z"u8, out _));
        Assert.False(Rfc3339.TryParseUnixNanos("1677-09-21T00:12:43.145224191Z"u8, out _));
        Assert.False(Rfc3339.TryParseUnixNanos("9999-12-31T23:59:59Z"u8, out _));
    }

    [Fact]
    public void Formats_with_nine_fraction_digits_in_utc()
    {
        Span<byte> buffer = stackalloc byte[40];

        var written = Rfc3339.FormatUnixNanos(TenOClock + 123, buffer);

        Assert.Equal(Rfc3339.FormattedLength, written);
        Assert.Equal("2026-11-25T10:00:00.000000123Z", Encoding.ASCII.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00.000000000Z")]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999Z")]
    [InlineData(946_684_800_000_000_000L, "2000-01-01T00:00:00.000000000Z")]
    [InlineData(1_835_395_200_000_000_001L, "2028-02-29T00:00:00.000000001Z")]
    [InlineData(long.MaxValue, "2262-04-11T23:47:16.854775807Z")]
    [InlineData(long.MinValue, "1677-09-21T00:12:43.145224192Z")]
    public void Format_and_parse_round_trip(long unixNanos, string text)
    {
        Span<byte> buffer = stackalloc byte[Rfc3339.FormattedLength];

        Rfc3339.FormatUnixNanos(unixNanos, buffer);

        Assert.Equal(text, Encoding.ASCII.GetString(buffer));
        Assert.True(Rfc3339.TryParseUnixNanos(buffer, out var parsed));
        Assert.Equal(unixNanos, parsed);
    }

    [Fact]
    public void Format_into_a_short_destination_is_refused()
    {
        var buffer = new byte[Rfc3339.FormattedLength - 1];

        Assert.Throws<ArgumentException>(() => Rfc3339.FormatUnixNanos(0, buffer));
    }
}
