using System.Text;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class DockerJsonDecodingTests
{
    private const long TenOClock = 1_795_600_800_000_000_000;

    [Fact]
    public void Docker_line_becomes_record_with_time_stream_and_message_without_trailing_newline()
    {
        var harness = new DecoderHarness();

        harness.Feed("""{"log":"GET /healthz 200\n","stream":"stdout","time":"2026-11-25T10:00:00.000000123Z"}""");

        var record = Assert.Single(harness.Records);
        Assert.Equal("GET /healthz 200", record.Text);
        Assert.Equal(0, record.Offset);
        Assert.Equal(DockerLogLines.TimeUnixNanos, record.TimeUnixNanos);
        Assert.Equal(LogStream.Stdout, record.Stream);
        Assert.Equal(LogRecordFlags.None, record.Flags);
        Assert.Equal(ContainerLogFormat.DockerJson, harness.Decoder.DetectedFormat);
        Assert.Equal(1, harness.Decoder.RecordsDecoded);
    }

    [Fact]
    public void Docker_stderr_line_keeps_its_stream_and_offset()
    {
        var harness = new DecoderHarness();
        harness.Feed(DockerLogLines.Line("first\n"));

        var offset = harness.Feed(DockerLogLines.Line("boom\n", "stderr"));

        Assert.Equal(LogStream.Stderr, harness.Records[1].Stream);
        Assert.Equal(offset, harness.Records[1].Offset);
        Assert.Equal("boom", harness.Records[1].Text);
    }

    [Fact]
    public void Docker_strips_exactly_one_trailing_newline_and_keeps_carriage_return()
    {
        var harness = new DecoderHarness();

        harness.Feed(DockerLogLines.Line("two blank\n\n"));
        harness.Feed(DockerLogLines.Line("crlf\r\n"));
        harness.Feed(DockerLogLines.Line("\n"));

        Assert.Equal(["two blank\n", "crlf\r", ""], harness.Records.Select(r => r.Text));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
    }

    [Theory]
    [InlineData("""{"log":"q\"b\\s\/t\tn\nr\rb\bf\f!\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"time":"2026-11-25T10:00:00Z","stream":"stdout","log":"q\"b\\s\/t\tn\nr\rb\bf\f!\n"}""")]
    public void Docker_short_escapes_are_unescaped_by_both_parse_paths(string line)
    {
        var harness = new DecoderHarness();

        harness.Feed(line);

        var record = Assert.Single(harness.Records);
        Assert.Equal("q\"b\\s/t\tn\nr\rb\bf\f!", record.Text);
        Assert.Equal(TenOClock, record.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.None, record.Flags);
    }

    [Theory]
    [InlineData("""{"log":"caf\u00e9 \u003cb\u003e \u20ac \ud83d\ude00 \u0041\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"stream":"stdout","log":"caf\u00E9 \u003Cb\u003E \u20AC \uD83D\uDE00 \u0041\n","time":"2026-11-25T10:00:00Z"}""")]
    public void Docker_unicode_escapes_and_surrogate_pairs_become_utf8(string line)
    {
        var harness = new DecoderHarness();

        harness.Feed(line);

        var record = Assert.Single(harness.Records);
        Assert.Equal("café <b> € 😀 A", record.Text);
        Assert.Equal(LogRecordFlags.None, record.Flags);
    }

    [Fact]
    public void Docker_raw_utf8_in_log_is_kept_as_is()
    {
        var harness = new DecoderHarness();

        harness.Feed(DockerLogLines.Line("Grüße, 世界 🌍\n"));

        Assert.Equal("Grüße, 世界 🌍", Assert.Single(harness.Records).Text);
    }

    [Fact]
    public void Docker_keys_in_any_order_with_attrs_and_whitespace_decode_through_the_reader()
    {
        var harness = new DecoderHarness();

        harness.Feed("""{"log":"a\n","stream":"stderr","attrs":{"tag":"web","n":[1,{"x":null}]},"time":"2026-11-25T10:00:00Z"}""");
        harness.Feed("""{ "stream" : "stdout", "time" : "2026-11-25T10:00:00Z", "log" : "b\n" }""");
        harness.Feed("{\"log\":\"c\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T10:00:00Z\"}\r");

        Assert.Equal(["a", "b", "c"], harness.Records.Select(r => r.Text));
        Assert.Equal([LogStream.Stderr, LogStream.Stdout, LogStream.Stdout], harness.Records.Select(r => r.Stream));
        Assert.All(harness.Records, r => Assert.Equal(TenOClock, r.TimeUnixNanos));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
    }

    [Fact]
    public void Docker_line_split_at_16_KiB_is_joined_into_one_record_at_the_first_piece_offset()
    {
        var harness = new DecoderHarness();
        harness.Feed(DockerLogLines.Line("before\n"));
        var output = LongOutput(40 * 1024);
        var pieces = DockerLogLines.Write(output);
        Assert.Equal(3, pieces.Count);

        var firstPieceOffset = harness.NextOffset;
        harness.FeedAll(pieces);
        harness.Feed(DockerLogLines.Line("after\n"));

        Assert.Equal(3, harness.Records.Count);
        var joined = harness.Records[1];
        Assert.Equal(output, joined.Message);
        Assert.Equal(firstPieceOffset, joined.Offset);
        Assert.Equal(DockerLogLines.TimeUnixNanos, joined.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Joined, joined.Flags);
        Assert.Equal("after", harness.Records[2].Text);
        Assert.Equal(1, harness.Decoder.JoinedRecords);
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);
    }

    [Fact]
    public void Docker_split_pieces_join_per_stream_when_another_stream_interleaves()
    {
        var harness = new DecoderHarness();
        var output = LongOutput(20 * 1024);
        var pieces = DockerLogLines.Write(output, "stderr");

        var first = harness.Feed(pieces[0]);
        harness.Feed(DockerLogLines.Line("meanwhile on stdout\n"));
        harness.Feed(pieces[1]);

        Assert.Equal(2, harness.Records.Count);
        Assert.Equal("meanwhile on stdout", harness.Records[0].Text);
        Assert.Equal(output, harness.Records[1].Message);
        Assert.Equal(LogStream.Stderr, harness.Records[1].Stream);
        Assert.Equal(first, harness.Records[1].Offset);
    }

    [Fact]
    public void Docker_line_without_time_gets_now_and_unparsed_but_keeps_its_message()
    {
        var harness = new DecoderHarness();

        harness.Feed("""{"log":"no time\n","stream":"stdout"}""");
        harness.Feed("""{"log":"bad time\n","stream":"stdout","time":"yesterday"}""");

        Assert.Equal(["no time", "bad time"], harness.Records.Select(r => r.Text));
        Assert.All(harness.Records, r => Assert.Equal(harness.Time.UnixNanos(), r.TimeUnixNanos));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Unparsed, r.Flags));
        Assert.Equal(2, harness.Decoder.UnparsedLines);
    }

    [Fact]
    public void Docker_invalid_utf8_inside_the_log_string_is_repaired_not_lost()
    {
        var harness = new DecoderHarness();
        var fastShape = Concat("{\"log\":\"ok "u8, [0xFF], " end\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T10:00:00Z\"}"u8);
        var readerShape = Concat("{\"time\":\"2026-11-25T10:00:00Z\",\"log\":\"ok "u8, [0xFF], " end\\n\"}"u8);
        var escapedShape = Concat("{\"log\":\"ok "u8, [0xFF], " \\\"end\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T10:00:00Z\"}"u8);

        harness.Feed(fastShape);
        harness.Feed(readerShape);
        harness.Feed(escapedShape);

        Assert.Equal(["ok \uFFFD end", "ok \uFFFD end", "ok \uFFFD \"end\""], harness.Records.Select(r => r.Text));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Utf8Repaired, r.Flags));
        Assert.All(harness.Records, r => Assert.Equal(TenOClock, r.TimeUnixNanos));
        Assert.Equal(3, harness.Decoder.Utf8Repairs);
    }

    [Fact]
    public void Docker_unpaired_surrogate_escape_becomes_replacement_character()
    {
        var harness = new DecoderHarness();

        harness.Feed("""{"log":"a\ud800b\udc00c\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""");

        var record = Assert.Single(harness.Records);
        Assert.Equal("a\uFFFDb\uFFFDc", record.Text);
        Assert.Equal(LogRecordFlags.Utf8Repaired, record.Flags);
    }

    [Theory]
    [InlineData("""{"log":"bad \x escape\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"log":"bad \u12 hex\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"log":42,"stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("""{"log":"x\n","stream":"stdout","time":"2026-11-25T10:00:00Z"} trailing""")]
    [InlineData("""{"log":"not closed""")]
    [InlineData("2026-11-25T10:00:00Z stdout F a CRI line in a docker file")]
    [InlineData("plain garbage")]
    public void Docker_file_line_that_is_not_docker_json_is_kept_raw_as_unparsed(string line)
    {
        var harness = new DecoderHarness();
        harness.Feed(DockerLogLines.Line("detects docker\n"));

        var offset = harness.Feed(line);

        var record = harness.Records[1];
        Assert.Equal(line, record.Text);
        Assert.Equal(offset, record.Offset);
        Assert.Equal(LogRecordFlags.Unparsed, record.Flags);
        Assert.Equal(LogStream.Stdout, record.Stream);
        Assert.Equal(harness.Time.UnixNanos(), record.TimeUnixNanos);
        Assert.Equal(1, harness.Decoder.UnparsedLines);
        Assert.Equal(ContainerLogFormat.DockerJson, harness.Decoder.DetectedFormat);
    }

    [Fact]
    public void Docker_line_cut_by_the_tailer_is_kept_raw_with_unparsed_and_truncated()
    {
        var harness = new DecoderHarness();
        var full = DockerLogLines.Line(new string('x', 500) + "\n");

        harness.Feed(full[..300], truncated: true);

        var record = Assert.Single(harness.Records);
        Assert.Equal(full[..300], record.Message);
        Assert.Equal(LogRecordFlags.Unparsed | LogRecordFlags.Truncated, record.Flags);
        Assert.Equal(1, harness.Decoder.TruncatedRecords);
    }

    /// <summary>Output with escapes and multi-byte text spread through it, as long as asked.</summary>
    private static byte[] LongOutput(int length)
    {
        var text = new StringBuilder(length + 64);
        for (var i = 0; text.Length < length; i++)
        {
            text.Append(i).Append(": \"quoted\" back\\slash\ttab <tag> & café 世界 ");
        }

        // Cut to the length, then back to a character boundary so the output itself is valid UTF-8.
        var bytes = Encoding.UTF8.GetBytes(text.ToString())[..length];
        while (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            bytes = bytes[..^1];
        }

        return bytes;
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c) => [.. a, .. b, .. c];
}
