using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

public sealed class PrometheusDurationTests
{
    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1m", 60_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s500ms", 90_500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void Parses_units_in_order(string text, long milliseconds)
    {
        Assert.True(PrometheusDuration.TryParse(text, out var value, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("", "empty duration string")]
    [InlineData("30m1h", "not a valid duration string: \"30m1h\"")]
    [InlineData("1.5s", "not a valid duration string: \"1.5s\"")]
    [InlineData("10", "not a valid duration string: \"10\"")]
    [InlineData("1s1s", "not a valid duration string: \"1s1s\"")]
    [InlineData("-1s", "not a valid duration string: \"-1s\"")]
    public void Refuses_what_prometheus_refuses(string text, string error)
    {
        Assert.False(PrometheusDuration.TryParse(text, out _, out var message));
        Assert.Equal(error, message);
    }

    [Theory]
    [InlineData(60_000, "1m")]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(0, "0s")]
    [InlineData(7_776_000_000, "90d")] // weeks only when exact: not 12w6d
    [InlineData(1_209_600_000, "2w")]
    [InlineData(1_500, "1s500ms")]
    public void Formats_as_prometheus_does(long milliseconds, string text) =>
        Assert.Equal(text, PrometheusDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
