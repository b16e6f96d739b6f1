using System.Text;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

/// <summary>
/// The parser offers each text-format sample to the visitor by its series text first; a visitor that
/// knows the series takes it without the labels being parsed, any other sample is parsed in full.
/// </summary>
public sealed class KnownSeriesFastPathTests
{
    private const string Body =
        "# TYPE a counter\n" +
        "a_total{path=\"/x}y\",msg=\"say \\\"hi\\\" }\"} 3 1000\n" +
        "a_total{path=\"/z\"} 4\n" +
        "plain 5\n" +
        "spaced {k=\"v\"}   6\n";

    [Fact]
    public void Known_series_are_taken_by_their_text_with_value_and_timestamp_and_the_rest_are_parsed()
    {
        var visitor = new KnowingVisitor("a_total{path=\"/x}y\",msg=\"say \\\"hi\\\" }\"}", "plain", "spaced {k=\"v\"}");

        var result = new ExpositionParser().Parse(Encoding.UTF8.GetBytes(Body), ExpositionFormat.PrometheusText, visitor);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(4, result.Samples);
        Assert.Equal(
            [("a_total{path=\"/x}y\",msg=\"say \\\"hi\\\" }\"}", 3.0, (long?)1000), ("plain", 5.0, null), ("spaced {k=\"v\"}", 6.0, null)],
            visitor.Known);
        var parsed = Assert.Single(visitor.Parsed);
        Assert.Equal("a_total{path=\"/z\"}", parsed.SeriesText);
        Assert.Equal("/z", parsed.Label("path"));
        Assert.Equal(4, parsed.Value);
    }

    [Theory]
    [InlineData("plain 5 x\n")]
    [InlineData("plain five\n")]
    [InlineData("spaced {k=\"v\"\n")]
    [InlineData("spaced {k=\"v}   6\n")]
    public void A_broken_line_of_a_known_series_goes_the_full_way_and_fails_there(string line)
    {
        var visitor = new KnowingVisitor("plain", "spaced {k=\"v\"}");

        var result = new ExpositionParser().Parse(Encoding.UTF8.GetBytes(line), ExpositionFormat.PrometheusText, visitor);

        Assert.False(result.Succeeded);
        Assert.Equal(ExpositionErrorKind.Syntax, result.Error!.Kind);
        Assert.Empty(visitor.Known);
    }

    private sealed class KnowingVisitor(params string[] known) : IExpositionVisitor
    {
        private readonly RecordingExpositionVisitor _full = new();

        public List<(string Series, double Value, long? TimestampMs)> Known { get; } = [];

        public List<RecordedSample> Parsed => _full.Samples;

        public void OnSample(in ExpositionSample sample) => _full.OnSample(in sample);

        public bool TryOnKnownSeries(ReadOnlySpan<byte> series, double value, bool hasTimestamp, long timestampMs, int line)
        {
            var text = Encoding.UTF8.GetString(series);
            if (!known.Contains(text))
            {
                return false;
            }

            Known.Add((text, value, hasTimestamp ? timestampMs : null));
            return true;
        }
    }
}
