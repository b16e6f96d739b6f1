using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// The stand-in reads a date in a query as Elasticsearch's date math parser does, with its own
/// parser (not the product's): the span the text names, from its start rounded down to its end
/// rounded up.
/// </summary>
public sealed class ElasticsearchStandInDateTests
{
    [Theory]
    [InlineData("2026-11-25", "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")]
    [InlineData("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("2028", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z")]
    [InlineData("2026-11-25T10", "2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")]
    [InlineData("2026-11-25T10:00", "2026-11-25T10:00:00Z", "2026-11-25T10:01:00Z")]
    [InlineData("2026-11-25T10:00:05Z", "2026-11-25T10:00:05Z", "2026-11-25T10:00:06Z")]
    [InlineData("2026-11-25T10:00:05.12+01:00", "2026-11-25T09:00:05.12Z", "2026-11-25T09:00:05.13Z")]
    [InlineData("2026-03-31T23:30:00.5-02:00", "2026-04-01T01:30:00.5Z", "2026-04-01T01:30:00.6Z")]
    [InlineData("1795600800000", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00.001Z")]
    public void A_query_date_names_the_span_of_its_last_field(string text, string start, string end)
    {
        Assert.True(ElasticsearchStandInDates.TrySpan(text, out var from, out var to));

        Assert.Equal(Nanos(start), from);
        Assert.Equal(Nanos(end), to);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-1-5")]
    [InlineData("2026-11-25T10:0")]
    public void Text_that_is_no_date_is_refused(string text) =>
        Assert.False(ElasticsearchStandInDates.TrySpan(text, out _, out _));

    private static long Nanos(string rfc3339) => (DateTimeOffset.Parse(rfc3339, System.Globalization.CultureInfo.InvariantCulture).UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
