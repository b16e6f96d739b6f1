using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

public sealed class ExpositionStreamingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(4096)]
    public void Any_chunking_gives_the_same_samples_as_the_whole_body(int chunkSize)
    {
        foreach (var (body, format) in new[] { (SampleBodies.Text, ExpositionFormat.PrometheusText), (SampleBodies.OpenMetrics, ExpositionFormat.OpenMetrics) })
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var (wholeResult, whole) = ExpositionHarness.Parse(bytes, format);

            var (chunkedResult, chunked) = ExpositionHarness.Chunked(bytes, format, chunkSize);

            Assert.True(chunkedResult.Succeeded, chunkedResult.Error?.ToString());
            Assert.Equal(wholeResult.Samples, chunkedResult.Samples);
            Assert.Equal(bytes.Length, chunkedResult.BodyBytes);
            Assert.Equal(Describe(whole), Describe(chunked));
        }
    }

    [Fact]
    public async Task Stream_is_read_in_chunks_to_its_end()
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"series_{i % 50}{{i=\"{i}\"}} {i}\n")));
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser().ParseAsync(new MemoryStream(body), ExpositionFormat.PrometheusText, visitor);

        Assert.True(result.Succeeded);
        Assert.Equal(20_000, visitor.Samples.Count);
        Assert.Equal(body.Length, result.BodyBytes);
        Assert.Equal("19999", visitor.Samples[^1].Label("i"));
        Assert.Equal(19_999, visitor.Samples[^1].Value);
    }

    [Fact]
    public async Task Pipe_reader_is_read_segment_by_segment()
    {
        var pipe = new Pipe();
        var visitor = new RecordingExpositionVisitor();
        var parse = new ExpositionParser().ParseAsync(pipe.Reader, ExpositionFormat.OpenMetrics, visitor).AsTask();

        foreach (var part in new[] { "# TYPE a gau", "ge\na 1", "\na 2\n# E", "OF\n" })
        {
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(part));
        }

        await pipe.Writer.CompleteAsync();
        var result = await parse;

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal([1.0, 2.0], visitor.Samples.Select(s => s.Value));
        Assert.All(visitor.Samples, s => Assert.Equal(MetricType.Gauge, s.Type));
    }

    [Fact]
    public async Task Gzip_response_is_decompressed_and_its_content_type_picks_openmetrics()
    {
        var compressed = Gzip(SampleBodies.OpenMetrics);
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser().ParseResponseAsync(
            new MemoryStream(compressed), "application/openmetrics-text; version=1.0.0; charset=utf-8", "gzip", visitor);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(20, visitor.Samples.Count);
        Assert.Equal(Encoding.UTF8.GetByteCount(SampleBodies.OpenMetrics), result.BodyBytes);
        Assert.Equal(1520879607789, visitor.Samples.Single(s => s.Name == "process_cpu_seconds_total").TimestampMs);
    }

    [Fact]
    public async Task Body_size_limit_applies_to_the_decompressed_body()
    {
        var text = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"zeros 0\n"));
        var compressed = Gzip(text);
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser(new ExpositionLimits { BodySizeLimit = 10_000 })
            .ParseResponseAsync(new MemoryStream(compressed), "text/plain; version=0.0.4", "gzip", visitor);

        Assert.True(compressed.Length < 10_000);
        Assert.Equal(ExpositionErrorKind.BodySizeLimit, result.Error!.Kind);
    }

    [Fact]
    public async Task Truncated_gzip_fails_with_an_encoding_error()
    {
        var compressed = Gzip(SampleBodies.Text);
        var truncated = compressed[..(compressed.Length / 2)];
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser().ParseResponseAsync(new MemoryStream(truncated), "text/plain", "gzip", visitor);

        Assert.False(result.Succeeded);
        Assert.Equal(ExpositionErrorKind.Encoding, result.Error!.Kind);
        Assert.StartsWith("cannot decompress the body", result.Error.Reason);
    }

    [Fact]
    public async Task Gzip_header_on_plain_body_fails_with_an_encoding_error()
    {
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser().ParseResponseAsync(new MemoryStream(Encoding.UTF8.GetBytes("up 1\n")), null, "gzip", visitor);

        Assert.Equal(ExpositionErrorKind.Encoding, result.Error!.Kind);
        Assert.Empty(visitor.Samples);
    }

    [Fact]
    public async Task Unsupported_content_encoding_is_refused_by_name()
    {
        var visitor = new RecordingExpositionVisitor();

        var result = await new ExpositionParser().ParseResponseAsync(new MemoryStream([1, 2, 3]), "text/plain", "zstd", visitor);

        Assert.Equal(ExpositionErrorKind.Encoding, result.Error!.Kind);
        Assert.Equal("unsupported Content-Encoding \"zstd\" (expected gzip, deflate, br or identity)", result.Error.ToString());
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData("identity")]
    [InlineData(null)]
    public void Other_encodings_are_unwrapped(string? encoding)
    {
        var plain = Encoding.UTF8.GetBytes("up 1\n");
        var encoded = new MemoryStream();
        using (Stream writer = encoding switch
        {
            "deflate" => new ZLibStream(encoded, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(encoded, CompressionLevel.Fastest, leaveOpen: true),
            _ => new MemoryStream(),
        })
        {
            writer.Write(plain);
        }

        var source = encoding is "deflate" or "br" ? new MemoryStream(encoded.ToArray()) : new MemoryStream(plain);
        using var decoded = ScrapeBodyDecoding.Open(source, encoding);
        using var reader = new StreamReader(decoded);

        Assert.Equal("up 1\n", reader.ReadToEnd());
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;version=0.0.1", ExpositionFormat.OpenMetrics)]
    [InlineData("Application/OpenMetrics-Text", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText)]
    [InlineData("text/plain", ExpositionFormat.PrometheusText)]
    [InlineData("application/json", ExpositionFormat.PrometheusText)]
    [InlineData("", ExpositionFormat.PrometheusText)]
    [InlineData(null, ExpositionFormat.PrometheusText)]
    public void Content_type_picks_the_format(string? contentType, ExpositionFormat expected)
    {
        Assert.Equal(expected, ExpositionFormats.FromContentType(contentType));
    }

    [Fact]
    public void Parser_is_reused_after_a_failed_body()
    {
        var parser = new ExpositionParser();
        var first = new RecordingExpositionVisitor();
        var second = new RecordingExpositionVisitor();

        var failed = parser.Parse("a{x=\"1\" broken\n"u8, ExpositionFormat.PrometheusText, first);
        var ok = parser.Parse("# TYPE b gauge\nb{y=\"2\"} 2\n# EOF\n"u8, ExpositionFormat.OpenMetrics, second);

        Assert.False(failed.Succeeded);
        Assert.True(ok.Succeeded, ok.Error?.ToString());
        var sample = Assert.Single(second.Samples);
        Assert.Equal("y=2", sample.LabelText);
        Assert.Equal(MetricType.Gauge, sample.Type);
    }

    [Fact]
    public void Result_throws_when_asked_for_a_failed_body()
    {
        var (result, _) = ExpositionHarness.Text("a b c\n");

        var thrown = Assert.Throws<ExpositionException>(result.ThrowIfFailed);

        Assert.Same(result.Error, thrown.Error);
        Assert.Equal("line 1: expected a number as value, got \"b\"", thrown.Message);
    }

    private static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static List<string> Describe(List<RecordedSample> samples) =>
        samples.Select(s => $"{s.Name}|{s.FamilyName}|{s.Type}|{s.Role}|{s.Bound}|{s.LabelText}|{s.Value}|{s.TimestampMs}|{s.Help}|{s.Unit}|{s.Exemplar?.Value}|{s.Line}").ToList();
}
