using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

public sealed class PrometheusTextParsingTests
{
    [Fact]
    public void A_sample_carries_its_series_as_written_from_name_through_labels()
    {
        var (result, samples) = ExpositionHarness.Text(
            "plain 1\n" +
            "spaced {a=\"1\"}   2 1000\n" +
            "escaped{path=\"C:\\\\x\",msg=\"a \\\"b\\\"\"} 3\n" +
            "empty{} 4\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(["plain", "spaced {a=\"1\"}", "escaped{path=\"C:\\\\x\",msg=\"a \\\"b\\\"\"}", "empty{}"], samples.Select(s => s.SeriesText));
    }

    [Fact]
    public void Text_example_body_gives_every_sample_with_its_family()
    {
        var (result, samples) = ExpositionHarness.Text(SampleBodies.Text);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(20, result.Samples);
        Assert.Equal(20, samples.Count);

        var post200 = samples[0];
        Assert.Equal("http_requests_total", post200.Name);
        Assert.Equal("http_requests_total", post200.FamilyName);
        Assert.Equal(MetricType.Counter, post200.Type);
        Assert.Equal("The total number of HTTP requests.", post200.Help);
        Assert.Equal(SampleRole.Value, post200.Role);
        Assert.Equal("method=post,code=200", post200.LabelText);
        Assert.Equal(1027, post200.Value);
        Assert.Equal(1395066363000, post200.TimestampMs);
        Assert.Equal(3, samples[1].Value);

        var msdos = samples[2];
        Assert.Equal(@"C:\DIR\FILE.TXT", msdos.Label("path"));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", msdos.Label("error"));
        Assert.Equal(1.458255915e9, msdos.Value);
        Assert.Null(msdos.TimestampMs);
        Assert.Equal(MetricType.Unknown, msdos.Type);
        Assert.Null(msdos.Help);

        Assert.Equal(12.47, samples[3].Value);
        Assert.Empty(samples[3].Labels);
        Assert.Equal(double.PositiveInfinity, samples[4].Value);
        Assert.Equal(-3982045, samples[4].TimestampMs);
    }

    [Fact]
    public void Histogram_series_get_their_roles_and_le_bounds()
    {
        var (_, samples) = ExpositionHarness.Text(SampleBodies.Text);

        var histogram = samples.Where(s => s.FamilyName == "http_request_duration_seconds").ToList();
        Assert.Equal(8, histogram.Count);
        Assert.All(histogram, s => Assert.Equal(MetricType.Histogram, s.Type));
        Assert.All(histogram, s => Assert.Equal("A histogram of the request duration.", s.Help));
        Assert.Equal(
            [0.05, 0.1, 0.2, 0.5, 1, double.PositiveInfinity],
            histogram.Where(s => s.Role == SampleRole.Bucket).Select(s => s.Bound));
        Assert.Equal("http_request_duration_seconds_bucket", histogram[0].Name);
        Assert.Equal(SampleRole.Sum, histogram[6].Role);
        Assert.Equal(53423, histogram[6].Value);
        Assert.Equal(SampleRole.Count, histogram[7].Role);
        Assert.Equal(144320, histogram[7].Value);
        Assert.True(double.IsNaN(histogram[7].Bound));
    }

    [Fact]
    public void Summary_series_get_their_roles_and_quantiles()
    {
        var (_, samples) = ExpositionHarness.Text(SampleBodies.Text);

        var summary = samples.Where(s => s.FamilyName == "rpc_duration_seconds").ToList();
        Assert.Equal(7, summary.Count);
        Assert.Equal([0.01, 0.05, 0.5, 0.9, 0.99], summary.Where(s => s.Role == SampleRole.Quantile).Select(s => s.Bound));
        Assert.Equal("rpc_duration_seconds_sum", summary[5].Name);
        Assert.Equal(SampleRole.Sum, summary[5].Role);
        Assert.Equal(1.7560473e+07, summary[5].Value);
        Assert.Equal(SampleRole.Count, summary[6].Role);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    public void NaN_values_are_parsed(string text)
    {
        var (result, samples) = ExpositionHarness.Text($"x {text}\n");

        Assert.True(result.Succeeded);
        Assert.True(double.IsNaN(Assert.Single(samples).Value));
    }

    [Theory]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("0", 0)]
    [InlineData("-0.5", -0.5)]
    [InlineData("1e3", 1000)]
    [InlineData("1.5E-3", 0.0015)]
    [InlineData("+12", 12)]
    [InlineData(".25", 0.25)]
    [InlineData("123456789012345678901234567890", 1.2345678901234568e29)]
    [InlineData("0.1234567890123456789", 0.1234567890123456789)]
    public void Values_in_every_float_spelling(string text, double expected)
    {
        var (result, samples) = ExpositionHarness.Text($"x {text}\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(expected, Assert.Single(samples).Value);
    }

    [Theory]
    [InlineData("x 1 2 3", "line 1: expected end of line after the timestamp, got \"3\"")]
    [InlineData("x 1 1.5", "line 1: expected an integer timestamp in milliseconds, got \"1.5\"")]
    [InlineData("x 1 99999999999999999999", "line 1: expected an integer timestamp in milliseconds, got \"99999999999999999999\"")]
    [InlineData("x abc", "line 1: expected a number as value, got \"abc\"")]
    [InlineData("x 0x10", "line 1: expected a number as value, got \"0x10\"")]
    [InlineData("x", "line 1: expected value after metric, got end of line")]
    [InlineData("x{a=\"b\"}", "line 1: expected value after metric, got end of line")]
    [InlineData("x{a=\"b\"}1", "line 1: expected value after metric, got \"1\"")]
    [InlineData("metric{label INVALID} 1", "line 1: expected equal, got \"INVALID\"")]
    [InlineData("metric{label=INVALID} 1", "line 1: expected label value, got \"INVALID\"")]
    [InlineData("metric{1abc=\"x\"} 1", "line 1: expected label name, got \"1abc\"")]
    [InlineData("metric{a=\"x\" b=\"y\"} 1", "line 1: expected comma or \"}\" after label value, got \"b\"")]
    [InlineData("metric{a=\"x} 1", "line 1: label value is not terminated (missing closing quote)")]
    [InlineData("metric{a=\"x\\", "line 1: label value is not terminated (missing closing quote)")]
    [InlineData("metric{a=\"x\"", "line 1: expected comma or \"}\" after label value, got end of line")]
    [InlineData("metric{a=\"x\",a=\"y\"} 1", "line 1: duplicate label name \"a\" in metric")]
    [InlineData("9metric 1", "line 1: expected metric name, got \"9metric\"")]
    [InlineData("metric-name 1", "line 1: expected value after metric, got \"-name\"")]
    [InlineData("# TYPE x summmary", "line 1: invalid metric type \"summmary\" (expected counter, gauge, histogram, summary or untyped)")]
    [InlineData("# TYPE x gaugehistogram", "line 1: invalid metric type \"gaugehistogram\" (expected counter, gauge, histogram, summary or untyped)")]
    [InlineData("# TYPE x counter extra", "line 1: expected end of line after the type, got \"extra\"")]
    [InlineData("# TYPE", "line 1: expected metric name after TYPE, got end of line")]
    [InlineData("# HELP 1x text", "line 1: expected metric name after HELP, got \"1x\"")]
    public void Broken_lines_are_refused_with_the_reason(string body, string expected)
    {
        var error = ExpositionHarness.Refused(body);

        Assert.Equal(expected, error.ToString());
        Assert.Equal(ExpositionErrorKind.Syntax, error.Kind);
    }

    [Fact]
    public void Error_names_the_line_it_is_on()
    {
        var error = ExpositionHarness.Refused("# HELP a x\na 1\n\nb 2\nc{x=\"1\" INVALID\n");

        Assert.Equal(5, error.Line);
        Assert.StartsWith("line 5: expected comma", error.ToString());
    }

    [Fact]
    public void Trailing_comma_spaces_and_tabs_are_allowed()
    {
        var (result, samples) = ExpositionHarness.Text("  x { a = \"1\" ,\tb=\"2\", }\t 5 \t 100 \r\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        var sample = Assert.Single(samples);
        Assert.Equal("a=1,b=2", sample.LabelText);
        Assert.Equal(5, sample.Value);
        Assert.Equal(100, sample.TimestampMs);
    }

    [Fact]
    public void Empty_label_set_and_empty_value_are_allowed()
    {
        var (result, samples) = ExpositionHarness.Text("x{} 1\ny{a=\"\"} 2\n");

        Assert.True(result.Succeeded);
        Assert.Empty(samples[0].Labels);
        Assert.Equal("", samples[1].Label("a"));
    }

    [Fact]
    public void Unknown_escapes_are_kept_as_written()
    {
        var (_, samples) = ExpositionHarness.Text("x{a=\"tab\\there\"} 1\n");

        Assert.Equal("tab\\there", Assert.Single(samples).Label("a"));
    }

    [Fact]
    public void Label_values_keep_utf8_and_metric_names_allow_colons()
    {
        var (result, samples) = ExpositionHarness.Text("job:rate5m:sum{city=\"Zürich ☃\"} 1\n");

        Assert.True(result.Succeeded);
        Assert.Equal("job:rate5m:sum", samples[0].Name);
        Assert.Equal("Zürich ☃", samples[0].Label("city"));
    }

    [Fact]
    public void Invalid_utf8_in_a_label_value_is_refused()
    {
        var body = "x{a=\"\u00ff\"} 1\n"u8.ToArray();
        body[5] = 0xFF; // replace the first byte of ÿ by a lone 0xFF

        var (result, _) = ExpositionHarness.Parse(body, ExpositionFormat.PrometheusText);

        Assert.Equal("line 1: invalid UTF-8 in the value of label \"a\"", result.Error!.ToString());
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_only()
    {
        var (_, samples) = ExpositionHarness.Text("# HELP x A \\\\ and \\n and \\\"\nx 1\n");

        Assert.Equal("A \\ and \n and \\\"", Assert.Single(samples).Help);
    }

    [Fact]
    public void Empty_help_and_help_after_type_belong_to_the_family()
    {
        var (_, samples) = ExpositionHarness.Text("# TYPE x gauge\n# HELP x\nx 1\n# TYPE y gauge\n# HELP y later help\ny 2\n");

        Assert.Equal("", samples[0].Help);
        Assert.Equal(MetricType.Gauge, samples[0].Type);
        Assert.Equal("later help", samples[1].Help);
        Assert.Equal(MetricType.Gauge, samples[1].Type);
    }

    [Fact]
    public void Other_comments_and_blank_lines_are_ignored()
    {
        var (result, samples) = ExpositionHarness.Text("# just a comment\n#\n\n   \n#TYPE x counter\n# HELPER x\nx 1\n");

        Assert.True(result.Succeeded);
        var sample = Assert.Single(samples);
        Assert.Equal(MetricType.Unknown, sample.Type);
        Assert.Equal(7, sample.Line);
    }

    [Fact]
    public void Untyped_and_samples_without_type_are_unknown()
    {
        var (_, samples) = ExpositionHarness.Text("# TYPE x untyped\nx 1\ny 2\n");

        Assert.All(samples, s => Assert.Equal(MetricType.Unknown, s.Type));
        Assert.Equal("y", samples[1].FamilyName);
    }

    [Fact]
    public void Sample_not_of_the_declared_family_is_its_own_unknown_family()
    {
        var (_, samples) = ExpositionHarness.Text("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_other 2\nh 3\nh_count 1\n");

        Assert.Equal([SampleRole.Bucket, SampleRole.Value, SampleRole.Value, SampleRole.Count], samples.Select(s => s.Role));
        Assert.Equal(["h", "h_other", "h", "h"], samples.Select(s => s.FamilyName));
        Assert.Equal([MetricType.Histogram, MetricType.Unknown, MetricType.Unknown, MetricType.Histogram], samples.Select(s => s.Type));
    }

    [Fact]
    public void Text_bucket_with_bad_le_is_kept_with_a_NaN_bound()
    {
        var (result, samples) = ExpositionHarness.Text("# TYPE h histogram\nh_bucket{le=\"big\"} 1\nh_bucket 2\n");

        Assert.True(result.Succeeded);
        Assert.All(samples, s => Assert.True(double.IsNaN(s.Bound)));
    }

    [Fact]
    public void Counter_total_and_created_in_text()
    {
        var (_, samples) = ExpositionHarness.Text("# TYPE c counter\nc 1\nc_total 2\nc_created 3\n# TYPE d_total counter\nd_total 4\n");

        Assert.Equal([SampleRole.Value, SampleRole.Total, SampleRole.Created, SampleRole.Value], samples.Select(s => s.Role));
        Assert.Equal("d_total", samples[3].FamilyName);
    }

    [Fact]
    public void Body_without_final_newline_gives_its_last_sample()
    {
        var (result, samples) = ExpositionHarness.Text("a 1\nb 2");

        Assert.True(result.Succeeded);
        Assert.Equal(["a", "b"], samples.Select(s => s.Name));
    }

    [Fact]
    public void Empty_body_is_a_scrape_without_samples()
    {
        var (result, samples) = ExpositionHarness.Text("");

        Assert.True(result.Succeeded);
        Assert.Empty(samples);
        Assert.Equal(0, result.BodyBytes);
    }

    [Fact]
    public void Metric_names_are_the_same_string_across_scrapes()
    {
        var parser = new ExpositionParser();
        var first = new RecordingExpositionVisitor();
        var second = new RecordingExpositionVisitor();

        parser.Parse("up{job=\"a\"} 1\n"u8, ExpositionFormat.PrometheusText, first);
        parser.Parse("up{job=\"a\"} 1\n"u8, ExpositionFormat.PrometheusText, second);

        Assert.Same(first.Samples[0].Name, second.Samples[0].Name);
        Assert.Same(first.Samples[0].Labels[0].Key, second.Samples[0].Labels[0].Key);
    }

    [Fact]
    public void Label_names_in_changing_order_and_number_stay_right()
    {
        var (_, samples) = ExpositionHarness.Text("a{x=\"1\",y=\"2\"} 1\na{y=\"3\",x=\"4\"} 2\na{x=\"5\"} 3\nb{x=\"6\",y=\"7\",z=\"8\"} 4\na 5\n");

        Assert.Equal(["x=1,y=2", "y=3,x=4", "x=5", "x=6,y=7,z=8", ""], samples.Select(s => s.LabelText));
        Assert.Equal(["a", "a", "a", "b", "a"], samples.Select(s => s.Name));
    }
}
