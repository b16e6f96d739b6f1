using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

public sealed class OpenMetricsParsingTests
{
    private static ExpositionError Refused(string body) => ExpositionHarness.Refused(body, ExpositionFormat.OpenMetrics);

    [Fact]
    public void OpenMetrics_example_body_gives_every_sample_with_its_family()
    {
        var (result, samples) = ExpositionHarness.OpenMetrics(SampleBodies.OpenMetrics);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(20, samples.Count);

        var sum = samples[0];
        Assert.Equal("acme_http_router_request_seconds_sum", sum.Name);
        Assert.Equal("acme_http_router_request_seconds", sum.FamilyName);
        Assert.Equal(MetricType.Summary, sum.Type);
        Assert.Equal("seconds", sum.Unit);
        Assert.Equal("Latency though all of ACME's HTTP request router.", sum.Help);
        Assert.Equal(SampleRole.Sum, sum.Role);
        Assert.Equal("path=/api/v1,method=GET", sum.LabelText);
        Assert.Equal(9036.32, sum.Value);
        Assert.Equal(SampleRole.Count, samples[1].Role);
        Assert.Equal(SampleRole.Created, samples[2].Role);
        Assert.Equal(1605281325.0, samples[2].Value);

        var goroutines = samples[3];
        Assert.Equal(MetricType.Gauge, goroutines.Type);
        Assert.Null(goroutines.Unit);
        Assert.Equal(69, goroutines.Value);
    }

    [Fact]
    public void Counter_total_with_exemplar_and_created()
    {
        var (_, samples) = ExpositionHarness.OpenMetrics(SampleBodies.OpenMetrics);

        var total = samples.Single(s => s.Name == "process_cpu_seconds_total");
        Assert.Equal("process_cpu_seconds", total.FamilyName);
        Assert.Equal(MetricType.Counter, total.Type);
        Assert.Equal(SampleRole.Total, total.Role);
        Assert.Equal(4.20072246e+06, total.Value);
        Assert.Equal(1520879607789, total.TimestampMs);
        Assert.NotNull(total.Exemplar);
        Assert.Equal("KOO5S4vxi0o", total.Exemplar.Labels.Single(l => l.Key == "trace_id").Value);
        Assert.Equal(0.67, total.Exemplar.Value);
        Assert.Equal(1520879602500, total.Exemplar.TimestampMs);
        Assert.Empty(total.Labels);

        var created = samples.Single(s => s.Name == "process_cpu_seconds_created");
        Assert.Equal(SampleRole.Created, created.Role);
        Assert.Null(created.Exemplar);
    }

    [Fact]
    public void Histogram_gaugehistogram_stateset_info_and_unknown_families()
    {
        var (_, samples) = ExpositionHarness.OpenMetrics(SampleBodies.OpenMetrics);

        var foo = samples.Where(s => s.FamilyName == "foo").ToList();
        Assert.Equal(
            [SampleRole.Bucket, SampleRole.Bucket, SampleRole.Bucket, SampleRole.Count, SampleRole.Sum, SampleRole.Created],
            foo.Select(s => s.Role));
        Assert.Equal([0, 1e-05, double.PositiveInfinity], foo.Take(3).Select(s => s.Bound));
        Assert.Equal(2e-6, foo[1].Exemplar!.Value);
        Assert.Null(foo[1].Exemplar!.TimestampMs);
        Assert.Equal(1520430000123, foo[5].Value * 1000);

        var bar = samples.Where(s => s.FamilyName == "bar").ToList();
        Assert.All(bar, s => Assert.Equal(MetricType.GaugeHistogram, s.Type));
        Assert.Equal([SampleRole.Bucket, SampleRole.Bucket, SampleRole.GaugeCount, SampleRole.GaugeSum], bar.Select(s => s.Role));

        var states = samples.Where(s => s.FamilyName == "feature").ToList();
        Assert.All(states, s => Assert.Equal(SampleRole.State, s.Role));
        Assert.Equal(["a", "b"], states.Select(s => s.Label("feature")));
        Assert.Equal([1.0, 0.0], states.Select(s => s.Value));

        var info = samples.Single(s => s.FamilyName == "build");
        Assert.Equal("build_info", info.Name);
        Assert.Equal(MetricType.Info, info.Type);
        Assert.Equal(SampleRole.Info, info.Role);
        Assert.Equal("1.2.3", info.Label("version"));

        var mystery = samples.Single(s => s.FamilyName == "mystery");
        Assert.Equal(MetricType.Unknown, mystery.Type);
        Assert.Equal(7, mystery.Value);
    }

    [Theory]
    [InlineData("1520879607.789", 1520879607789)]
    [InlineData("1520879607", 1520879607000)]
    [InlineData("1520879607.7", 1520879607700)]
    [InlineData("1520879607.7899", 1520879607789)]
    [InlineData("-1.5", -1500)]
    [InlineData("1.5e3", 1500000)]
    [InlineData("0", 0)]
    public void Timestamps_in_seconds_become_milliseconds(string timestamp, long expectedMs)
    {
        var (result, samples) = ExpositionHarness.OpenMetrics($"x 1 {timestamp}\n# EOF\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(expectedMs, Assert.Single(samples).TimestampMs);
    }

    [Fact]
    public void Escapes_in_label_values_and_help()
    {
        var (_, samples) = ExpositionHarness.OpenMetrics("# HELP x a \\\"quoted\\\" \\\\ help\\n\nx{a=\"q\\\"b\\\\c\\nd\"} NaN\n# EOF\n");

        var sample = Assert.Single(samples);
        Assert.Equal("a \"quoted\" \\ help\n", sample.Help);
        Assert.Equal("q\"b\\c\nd", sample.Label("a"));
        Assert.True(double.IsNaN(sample.Value));
    }

    [Fact]
    public void Eof_without_final_newline_is_accepted()
    {
        var (result, samples) = ExpositionHarness.OpenMetrics("x 1\n# EOF");

        Assert.True(result.Succeeded);
        Assert.Equal(1, Assert.Single(samples).Value);
    }

    [Fact]
    public void Missing_eof_fails_the_scrape()
    {
        var error = Refused("# TYPE x gauge\nx 1\n");

        Assert.Equal(ExpositionErrorKind.MissingEof, error.Kind);
        Assert.Equal("OpenMetrics body does not end with \"# EOF\" (truncated?)", error.ToString());
    }

    [Fact]
    public void Empty_openmetrics_body_misses_its_eof()
    {
        Assert.Equal(ExpositionErrorKind.MissingEof, Refused("").Kind);
    }

    [Fact]
    public void Eof_alone_is_a_scrape_without_samples()
    {
        var (result, samples) = ExpositionHarness.OpenMetrics("# EOF\n");

        Assert.True(result.Succeeded);
        Assert.Empty(samples);
    }

    [Theory]
    [InlineData("x 1\n# EOF\nx 2\n", "line 3: unexpected data after \"# EOF\"")]
    [InlineData("x 1\n# EOF\n\n", "line 3: unexpected data after \"# EOF\"")]
    [InlineData("x 1\n# EOF \n", "line 2: unexpected text after \"# EOF\"")]
    [InlineData("x 1\n\n# EOF\n", "line 2: unexpected empty line (not allowed in OpenMetrics)")]
    [InlineData("# a comment\n# EOF\n", "line 1: unknown metadata \"a\" (expected HELP, TYPE, UNIT or EOF; OpenMetrics has no free comments)")]
    [InlineData("#TYPE x gauge\n# EOF\n", "line 1: expected \"# \" and HELP, TYPE, UNIT or EOF, got \"#TYPE\"")]
    [InlineData("# TYPE x untyped\n# EOF\n", "line 1: invalid metric type \"untyped\" (expected counter, gauge, histogram, gaugehistogram, summary, stateset, info or unknown)")]
    [InlineData("# TYPE x  gauge\n# EOF\n", "line 1: invalid metric type \" gauge\" (expected counter, gauge, histogram, gaugehistogram, summary, stateset, info or unknown)")]
    [InlineData("# TYPE x\n# EOF\n", "line 1: invalid metric type \"\" (expected counter, gauge, histogram, gaugehistogram, summary, stateset, info or unknown)")]
    [InlineData("# UNIT x_seconds bytes\n# EOF\n", "line 1: unit \"bytes\" is not a suffix of metric \"x_seconds\"")]
    [InlineData("# UNIT xseconds seconds\n# EOF\n", "line 1: unit \"seconds\" is not a suffix of metric \"xseconds\"")]
    [InlineData("x  1\n# EOF\n", "line 1: expected a single space and the value, got \" \"")]
    [InlineData("x\t1\n# EOF\n", "line 1: expected a single space and the value, got \"\\x09\"")]
    [InlineData("x 1 \n# EOF\n", "line 1: expected a single space and the timestamp or exemplar, got \" \"")]
    [InlineData("x{a=\"1\",} 1\n# EOF\n", "line 1: unexpected \"}\" after comma (OpenMetrics has no trailing comma in a label set)")]
    [InlineData("x{a = \"1\"} 1\n# EOF\n", "line 1: expected equal, got \" \"")]
    [InlineData("x 1 abc\n# EOF\n", "line 1: expected a timestamp in seconds, got \"abc\"")]
    [InlineData("x 1 NaN\n# EOF\n", "line 1: expected a timestamp in seconds, got \"NaN\"")]
    [InlineData("# TYPE c counter\nc_total 1 # {a=\"b\"}\n# EOF\n", "line 2: expected a single space and the exemplar value, got end of line")]
    [InlineData("# TYPE c counter\nc_total 1 # a\n# EOF\n", "line 2: expected an exemplar (\"# {\"), got \"#\"")]
    [InlineData("# TYPE c counter\nc_total 1 # {a=\"b\"} 1 2 3\n# EOF\n", "line 2: expected a timestamp in seconds after the exemplar value, got \"2\"")]
    [InlineData("# TYPE g gauge\ng 1 # {a=\"b\"} 1\n# EOF\n", "line 2: exemplar on \"g\": only counter _total and histogram _bucket samples may have one")]
    [InlineData("# TYPE h histogram\nh_bucket 1\n# EOF\n", "line 2: \"h_bucket\" needs a numeric \"le\" label")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n# EOF\n", "line 2: \"h_bucket\" needs a numeric \"le\" label")]
    [InlineData("# TYPE s summary\ns 1\n# EOF\n", "line 2: \"s\" needs a numeric \"quantile\" label")]
    [InlineData("# HELP\n# EOF\n", "line 1: expected metric name after HELP, got end of line")]
    public void Broken_openmetrics_is_refused_with_the_reason(string body, string expected)
    {
        var error = Refused(body);

        Assert.Equal(expected, error.ToString());
    }

    [Fact]
    public void Exemplar_labels_longer_than_128_characters_are_refused()
    {
        var ok = new string('ü', 127); // 127 characters (254 bytes) + "a" = 128
        var tooLong = new string('x', 128);

        var (accepted, _) = ExpositionHarness.OpenMetrics($"# TYPE c counter\nc_total 1 # {{a=\"{ok}\"}} 1\n# EOF\n");
        var error = Refused($"# TYPE c counter\nc_total 1 # {{a=\"{tooLong}\"}} 1\n# EOF\n");

        Assert.True(accepted.Succeeded, accepted.Error?.ToString());
        Assert.Equal("line 2: exemplar labels are 129 characters long (at most 128)", error.ToString());
    }

    [Fact]
    public void Exemplar_with_empty_labels_and_timestamp_after_sample_timestamp()
    {
        var (result, samples) = ExpositionHarness.OpenMetrics("# TYPE c counter\nc_total 5 100.5 # {} 2 99\n# EOF\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        var sample = Assert.Single(samples);
        Assert.Equal(100500, sample.TimestampMs);
        Assert.Empty(sample.Exemplar!.Labels);
        Assert.Equal(2, sample.Exemplar.Value);
        Assert.Equal(99000, sample.Exemplar.TimestampMs);
    }

    [Fact]
    public void Exemplar_labels_are_not_mixed_into_the_sample_labels()
    {
        var (_, samples) = ExpositionHarness.OpenMetrics(
            "# TYPE h histogram\nh_bucket{le=\"0.5\",path=\"/\"} 3 # {trace_id=\"t1\",span_id=\"s1\"} 0.4\n# EOF\n");

        var sample = Assert.Single(samples);
        Assert.Equal("le=0.5,path=/", sample.LabelText);
        Assert.Equal(["trace_id=t1", "span_id=s1"], sample.Exemplar!.Labels.Select(l => $"{l.Key}={l.Value}"));
        Assert.Equal(0.5, sample.Bound);
    }

    [Fact]
    public void Unit_and_help_may_be_empty()
    {
        var (result, samples) = ExpositionHarness.OpenMetrics("# TYPE x gauge\n# UNIT x\n# HELP x\nx 1\n# EOF\n");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Null(samples[0].Unit);
        Assert.Equal("", samples[0].Help);
    }

    [Fact]
    public void Family_metadata_does_not_leak_to_the_next_family()
    {
        var (_, samples) = ExpositionHarness.OpenMetrics(
            "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds A.\na_seconds 1\n# TYPE b gauge\nb 2\n# EOF\n");

        Assert.Equal("seconds", samples[0].Unit);
        Assert.Null(samples[1].Unit);
        Assert.Null(samples[1].Help);
        Assert.Equal(MetricType.Gauge, samples[1].Type);
    }
}
