using Pipeline.Grains.Metrics.PromQl;
using Xunit;

namespace Pipeline.Tests.PromQl;

public sealed class PromQlHttpParametersTests
{
    [Theory]
    [InlineData("1700000000", 1_700_000_000_000)]
    [InlineData("1700000000.123", 1_700_000_000_123)]
    [InlineData("1700000000.1236", 1_700_000_000_124)]
    [InlineData("1.7e9", 1_700_000_000_000)]
    [InlineData("-1.5", -1_500)]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000)]
    [InlineData("2023-11-14T22:13:20.781Z", 1_700_000_000_781)]
    [InlineData("2023-11-14T23:13:20.5+01:00", 1_700_000_000_500)]
    public void Times_are_unix_seconds_or_rfc3339(string value, long expectedMs) =>
        Assert.Equal(expectedMs, PromQlHttpParameters.ParseTimeMs(value, "time", 0));

    [Fact]
    public void A_missing_time_is_the_default() =>
        Assert.Equal(42, PromQlHttpParameters.ParseTimeMs(null, "time", 42));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2023-11-14 22:13:20")]
    [InlineData("NaN")]
    public void A_bad_time_is_bad_data_naming_the_parameter(string value)
    {
        var error = Assert.Throws<PromQlException>(() => PromQlHttpParameters.ParseTimeMs(value, "start", 0));
        Assert.Equal((PromQlErrorType.BadData, $"invalid parameter \"start\": cannot parse \"{value}\" to a valid timestamp"), (error.ErrorType, error.Message));
    }

    [Theory]
    [InlineData("15", 15_000)]
    [InlineData("0.5", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("250ms", 250)]
    [InlineData("1h", 3_600_000)]
    public void Durations_are_float_seconds_or_prometheus_durations(string value, long expectedMs) =>
        Assert.Equal(expectedMs, PromQlHttpParameters.ParseDurationMs(value, "step"));

    [Theory]
    [InlineData("1x")]
    [InlineData("")]
    public void A_bad_duration_is_bad_data(string value)
    {
        var error = Assert.Throws<PromQlException>(() => PromQlHttpParameters.ParseDurationMs(value, "step"));
        Assert.Equal($"invalid parameter \"step\": cannot parse \"{value}\" to a valid duration", error.Message);
    }

    [Fact]
    public void A_duration_overflowing_int64_nanoseconds_says_so() =>
        Assert.EndsWith("It overflows int64", Assert.Throws<PromQlException>(() => PromQlHttpParameters.ParseDurationMs("1e20", "step")).Message, StringComparison.Ordinal);
}
