using System.Text;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

public sealed class ExpositionGarbageTests
{
    private const string HtmlErrorPage = """
        <!DOCTYPE html>
        <html><head><title>502 Bad Gateway</title></head>
        <body><h1>Bad Gateway</h1><p>The proxy could not reach the upstream.</p></body></html>

        """;

    private const string Json = """
        {"status":"error","errorType":"bad_data","error":"not a metrics endpoint"}

        """;

    [Fact]
    public void Html_error_page_is_refused_on_its_first_line()
    {
        var error = ExpositionHarness.Refused(HtmlErrorPage);

        Assert.Equal("line 1: expected metric name, got \"<!DOCTYPE\"", error.ToString());
    }

    [Fact]
    public void Json_body_is_refused_on_its_first_line()
    {
        var text = ExpositionHarness.Refused(Json);
        var om = ExpositionHarness.Refused(Json, ExpositionFormat.OpenMetrics);

        Assert.Equal("line 1: expected metric name, got \"{\"", text.ToString());
        Assert.Equal("line 1: expected metric name, got \"{\"", om.ToString());
    }

    [Fact]
    public void Html_body_that_starts_like_a_metric_is_still_refused()
    {
        var error = ExpositionHarness.Refused("html lang=en\n");

        Assert.Equal("line 1: expected a number as value, got \"lang\"", error.ToString());
    }

    [Fact]
    public void Random_bytes_never_crash_or_hang_the_parser()
    {
        var random = new Random(4);
        var parser = new ExpositionParser(new ExpositionLimits { MaxLineBytes = 4096 });
        var alphabet = "abc_:{}=\",# \t\n\\01.+-eInfNaEOFTYPEHELP"u8.ToArray();
        var refused = 0;
        var samples = 0;
        for (var round = 0; round < 2000; round++)
        {
            var body = new byte[random.Next(0, 300)];
            if (round % 2 == 0)
            {
                random.NextBytes(body);
            }
            else if (round % 4 == 1)
            {
                for (var i = 0; i < body.Length; i++)
                {
                    body[i] = alphabet[random.Next(alphabet.Length)];
                }
            }
            else
            {
                // A real body with a few bytes changed.
                body = Encoding.UTF8.GetBytes(round % 3 == 0 ? SampleBodies.OpenMetrics : SampleBodies.Text);
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    body[random.Next(body.Length)] = alphabet[random.Next(alphabet.Length)];
                }
            }

            var format = round % 3 == 0 ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
            var visitor = new RecordingExpositionVisitor();
            var (result, chunked) = ExpositionHarness.Chunked(body, format, 1 + random.Next(17), parser);
            var whole = parser.Parse(body, format, visitor);

            // Chunking never changes the outcome, and an error always says where and why.
            Assert.Equal(whole.Error?.ToString(), result.Error?.ToString());
            Assert.Equal(whole.Samples, chunked.Count);
            if (!whole.Succeeded)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(whole.Error!.Reason));
            }

            samples += whole.Samples;
        }

        Assert.True(refused > 1000, $"{refused} refused");
        Assert.True(samples > 0, "mutated real bodies should still give samples before their error");
    }

    [Fact]
    public void Nul_bytes_and_control_characters_are_shown_escaped()
    {
        var error = ExpositionHarness.Refused("\u0001\u0002abc 1\n");

        Assert.Equal("line 1: expected metric name, got \"\\x01\\x02abc\"", error.ToString());
    }

    [Fact]
    public void Body_cut_inside_a_label_set_is_refused()
    {
        var body = SampleBodies.Text[..SampleBodies.Text.IndexOf("code=\"400", StringComparison.Ordinal)];

        var error = ExpositionHarness.Refused(body);

        Assert.Equal("line 4: expected label name, got end of line", error.ToString());
    }

    [Fact]
    public void Openmetrics_body_cut_anywhere_is_refused()
    {
        var full = Encoding.UTF8.GetBytes(SampleBodies.OpenMetrics);
        var eof = SampleBodies.OpenMetrics.IndexOf("# EOF", StringComparison.Ordinal);

        for (var cut = 0; cut < eof + 4; cut++)
        {
            var (result, _) = ExpositionHarness.Parse(full[..cut], ExpositionFormat.OpenMetrics);

            Assert.False(result.Succeeded, $"cut at {cut} passed");
        }
    }

    [Fact]
    public void Text_body_cut_mid_line_is_refused_or_gives_a_prefix_of_the_samples()
    {
        var full = Encoding.UTF8.GetBytes(SampleBodies.Text);
        var (_, all) = ExpositionHarness.Parse(full, ExpositionFormat.PrometheusText);

        for (var cut = 0; cut < full.Length; cut++)
        {
            var (result, samples) = ExpositionHarness.Parse(full[..cut], ExpositionFormat.PrometheusText);

            // The text format has no end marker: a cut after a value still parses, but never invents samples.
            Assert.True(samples.Count <= all.Count);
            for (var i = 0; i < samples.Count - 1; i++)
            {
                Assert.Equal(all[i].Value, samples[i].Value);
            }

            if (!result.Succeeded)
            {
                Assert.Equal(ExpositionErrorKind.Syntax, result.Error!.Kind);
            }
        }
    }

    [Fact]
    public void Endless_line_without_newline_is_refused_at_the_line_cap()
    {
        var parser = new ExpositionParser(new ExpositionLimits { MaxLineBytes = 64 * 1024 });
        var chunk = new byte[8192];
        Array.Fill(chunk, (byte)'x');
        parser.Begin(ExpositionFormat.PrometheusText, new RecordingExpositionVisitor());

        var fed = 0;
        while (parser.Feed(chunk) && fed < 1000)
        {
            fed++;
        }

        var result = parser.Complete();
        Assert.Equal(8, fed); // 8 x 8 KiB is exactly the cap; the ninth chunk crosses it
        Assert.Equal(ExpositionErrorKind.LineTooLong, result.Error!.Kind);
    }
}
