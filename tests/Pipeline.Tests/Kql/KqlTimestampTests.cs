using Pipeline.Grains.Search.Kql;
using Xunit;

namespace Pipeline.Tests.Kql;

public sealed class KqlTimestampTests
{
    private const long Second = 1_000_000_000;
    private const long At = 1_795_600_800L * Second; // 2026-11-25T10:00:00Z

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", At, At + Second)]
    [InlineData("2026-11-25T10:00:00.123Z", At + 123_000_000, At + 124_000_000)]
    [InlineData("2026-11-25T10:00:00.000000123Z", At + 123, At + 124)]
    [InlineData("2026-11-25t10:00:00,5z", At + 500_000_000, At + 600_000_000)]
    [InlineData("2026-11-25T11:00:00+01:00", At, At + Second)]
    [InlineData("2026-11-25T09:30:00-0030", At, At + Second)]
    [InlineData("2026-11-25T10:00:00", At, At + Second)]
    [InlineData("2026-11-25 10:00", At, At + (60 * Second))]
    [InlineData("2026-11-25", At - (10 * 3600 * Second), At + (14 * 3600 * Second))]
    [InlineData("1795600800000", At, At + 1_000_000)]
    [InlineData("0", 0L, 1_000_000L)]
    public void Parses_the_span_a_value_names(string text, long start, long end)
    {
        Assert.True(KqlTimestamp.TryParse(text, out var parsedStart, out var parsedEnd));
        Assert.Equal(start, parsedStart);
        Assert.Equal(end, parsedEnd);
    }

    [Fact]
    public void Year_and_month_name_their_whole_span()
    {
        Assert.True(KqlTimestamp.TryParse("2026", out var yearStart, out var yearEnd));
        Assert.True(KqlTimestamp.TryParse("2026-11", out var monthStart, out var monthEnd));

        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.UnixEpoch.AddTicks(yearStart / 100));
        Assert.Equal(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.UnixEpoch.AddTicks(yearEnd / 100));
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.UnixEpoch.AddTicks(monthStart / 100));
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.UnixEpoch.AddTicks(monthEnd / 100));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("now-15m")]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T10:00:00.Z")]
    [InlineData("2026-11-25T10:00:00.1234567890Z")]
    [InlineData("2026-11-25T10:00:00+25:00")]
    [InlineData("2026-11-25T10:00:00 UTC")]
    [InlineData("3000-01-01")]
    [InlineData("999999999999999")]
    public void Rejects_what_is_not_a_time(string text)
    {
        Assert.False(KqlTimestamp.TryParse(text, out _, out _));
    }
}
