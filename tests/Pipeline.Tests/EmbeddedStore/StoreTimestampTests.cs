using Pipeline.Grains.Store.Embedded;
using Xunit;

namespace Pipeline.Tests.EmbeddedStore;

public sealed class StoreTimestampTests
{
    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00.000000000Z")]
    [InlineData(1L, "1970-01-01T00:00:00.000000001Z")]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999Z")]
    [InlineData(1_795_600_800_000_000_123L, "2026-11-25T10:00:00.000000123Z")]
    [InlineData(long.MaxValue, "2262-04-11T23:47:16.854775807Z")]
    [InlineData(long.MinValue, "1677-09-21T00:12:43.145224192Z")]
    public void Formats_unix_nanoseconds_as_rfc3339_with_nine_fraction_digits(long nanos, string expected)
    {
        Assert.Equal(expected, StoreTimestamp.Format(nanos));
    }
}
