using System.Text;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

public sealed class ExpositionLimitsTests
{
    [Fact]
    public void Sample_limit_reached_exactly_passes()
    {
        var (result, samples) = ExpositionHarness.Text("a 1\nb 2\nc 3\n", new ExpositionLimits { SampleLimit = 3 });

        Assert.True(result.Succeeded);
        Assert.Equal(3, samples.Count);
    }

    [Fact]
    public void Sample_limit_exceeded_fails_the_whole_scrape()
    {
        var (result, samples) = ExpositionHarness.Text("a 1\nb 2\nc 3\nd 4\n", new ExpositionLimits { SampleLimit = 3 });

        Assert.Equal(ExpositionErrorKind.SampleLimit, result.Error!.Kind);
        Assert.Equal("line 4: sample_limit exceeded: the body has more than 3 samples", result.Error.ToString());
        Assert.Equal(3, result.Samples);
        Assert.Equal(3, samples.Count);
    }

    [Fact]
    public void Sample_limit_counts_openmetrics_samples_too()
    {
        var (result, _) = ExpositionHarness.OpenMetrics("a 1\nb 2\n# EOF\n", new ExpositionLimits { SampleLimit = 1 });

        Assert.Equal(ExpositionErrorKind.SampleLimit, result.Error!.Kind);
    }

    [Fact]
    public void Body_size_limit_counts_bytes_read_and_stops_reading()
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"m{i} {i}\n")));

        var (result, samples) = ExpositionHarness.Chunked(body, ExpositionFormat.PrometheusText, 64, new ExpositionParser(new ExpositionLimits { BodySizeLimit = 200 }));

        Assert.Equal(ExpositionErrorKind.BodySizeLimit, result.Error!.Kind);
        Assert.Equal("body_size_limit exceeded: the body is larger than 200 bytes", result.Error.ToString());
        Assert.Equal(256, result.BodyBytes); // stopped after the chunk that crossed the limit
        Assert.True(samples.Count < 40);
    }

    [Fact]
    public void Body_exactly_at_the_size_limit_passes()
    {
        var body = "a 1\nb 2\n";

        var (result, _) = ExpositionHarness.Text(body, new ExpositionLimits { BodySizeLimit = body.Length });

        Assert.True(result.Succeeded);
        Assert.Equal(body.Length, result.BodyBytes);
    }

    [Fact]
    public void Label_limit_counts_labels_without_the_name()
    {
        var limits = new ExpositionLimits { LabelLimit = 2 };

        var (ok, _) = ExpositionHarness.Text("x{a=\"1\",b=\"2\"} 1\n", limits);
        var error = ExpositionHarness.Refused("x{a=\"1\",b=\"2\"} 1\ny{a=\"1\",b=\"2\",c=\"3\"} 1\n", limits: limits);

        Assert.True(ok.Succeeded);
        Assert.Equal(ExpositionErrorKind.LabelLimit, error.Kind);
        Assert.Equal("line 2: label_limit exceeded (metric: y, number of labels: 3, limit: 2)", error.ToString());
    }

    [Fact]
    public void Label_name_length_limit_is_in_bytes()
    {
        var limits = new ExpositionLimits { LabelNameLengthLimit = 5 };

        var (ok, _) = ExpositionHarness.Text("x{abcde=\"1\"} 1\n", limits);
        var error = ExpositionHarness.Refused("x{abcdef=\"1\"} 1\n", limits: limits);

        Assert.True(ok.Succeeded);
        Assert.Equal(ExpositionErrorKind.LabelNameLengthLimit, error.Kind);
        Assert.Equal("line 1: label_name_length_limit exceeded (metric: x, label name: abcdef, length: 6, limit: 5)", error.ToString());
    }

    [Fact]
    public void Label_value_length_limit_is_in_bytes_after_unescaping()
    {
        var limits = new ExpositionLimits { LabelValueLengthLimit = 4 };

        var (ok, _) = ExpositionHarness.Text("x{a=\"\\\\\\\\\\\\\\\\\"} 1\n", limits); // four escaped backslashes: 4 bytes
        var error = ExpositionHarness.Refused("x{a=\"üüü\"} 1\n", limits: limits); // 6 bytes

        Assert.True(ok.Succeeded, ok.Error?.ToString());
        Assert.Equal(ExpositionErrorKind.LabelValueLengthLimit, error.Kind);
        Assert.Equal("line 1: label_value_length_limit exceeded (metric: x, label name: a, length: 6, limit: 4)", error.ToString());
    }

    [Fact]
    public void Exemplar_labels_are_not_counted_against_label_limits()
    {
        var limits = new ExpositionLimits { LabelLimit = 1, LabelValueLengthLimit = 2 };

        var (result, samples) = ExpositionHarness.OpenMetrics(
            "# TYPE c counter\nc_total{a=\"1\"} 1 # {trace_id=\"0123456789\",span=\"x\"} 1\n# EOF\n", limits);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(2, Assert.Single(samples).Exemplar!.Labels.Count);
    }

    [Fact]
    public void Line_longer_than_max_line_bytes_is_refused_before_it_is_buffered()
    {
        var parser = new ExpositionParser(new ExpositionLimits { MaxLineBytes = 1000 });
        var blob = new byte[600];
        Array.Fill(blob, (byte)'a');
        var visitor = new RecordingExpositionVisitor();

        parser.Begin(ExpositionFormat.PrometheusText, visitor);
        var first = parser.Feed(blob);
        var second = parser.Feed(blob);
        var result = parser.Complete();

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(ExpositionErrorKind.LineTooLong, result.Error!.Kind);
        Assert.Equal("line 1: line is longer than 1000 bytes (not an exposition body?)", result.Error.ToString());
        Assert.Empty(visitor.Samples);
    }

    [Fact]
    public void Long_line_within_one_chunk_is_refused_too()
    {
        var body = "x{a=\"" + new string('v', 2000) + "\"} 1\n";

        var error = ExpositionHarness.Refused(body, limits: new ExpositionLimits { MaxLineBytes = 1000 });

        Assert.Equal(ExpositionErrorKind.LineTooLong, error.Kind);
    }

    [Fact]
    public void Validator_names_each_bad_setting()
    {
        var validator = new ExpositionLimitsValidator();

        var bad = validator.Validate(null, new ExpositionLimits { SampleLimit = -1, BodySizeLimit = -5, MaxLineBytes = 10 });
        var good = validator.Validate(null, new ExpositionLimits { SampleLimit = 100, LabelLimit = 30 });

        Assert.True(bad.Failed);
        Assert.Equal(
            [
                "sample_limit: -1 must not be negative (0 means no limit).",
                "body_size_limit: -5 must not be negative (0 means no limit).",
                "MaxLineBytes: 10 is out of range (expected 256 to 67108864; default 1048576).",
            ],
            bad.Failures);
        Assert.True(good.Succeeded);
    }
}
