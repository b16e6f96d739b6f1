using System.Text;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class CriDecodingTests
{
    private const long TenOClock = 1_795_600_800_000_000_000;

    [Fact]
    public void Cri_full_line_becomes_record()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00.813799277Z stderr F connection refused");

        var record = Assert.Single(harness.Records);
        Assert.Equal("connection refused", record.Text);
        Assert.Equal(TenOClock + 813_799_277, record.TimeUnixNanos);
        Assert.Equal(LogStream.Stderr, record.Stream);
        Assert.Equal(LogRecordFlags.None, record.Flags);
        Assert.Equal(ContainerLogFormat.Cri, harness.Decoder.DetectedFormat);
    }

    [Fact]
    public void Cri_time_with_offset_is_converted_to_utc()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T12:00:00.5+02:00 stdout F half past");

        Assert.Equal(TenOClock + 500_000_000, Assert.Single(harness.Records).TimeUnixNanos);
    }

    [Fact]
    public void Cri_empty_message_is_a_record_with_or_without_the_last_space()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00Z stdout F ");
        harness.Feed("2026-11-25T10:00:00Z stdout F");

        Assert.Equal(2, harness.Records.Count);
        Assert.All(harness.Records, r => Assert.Empty(r.Message));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
    }

    [Fact]
    public void Cri_message_keeps_spaces_and_carriage_return()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00Z stdout F  two  spaces \r");

        Assert.Equal(" two  spaces \r", Assert.Single(harness.Records).Text);
    }

    [Fact]
    public void Cri_partial_pieces_join_per_stream()
    {
        var harness = new DecoderHarness();

        var stdoutStart = harness.Feed("2026-11-25T10:00:00Z stdout P out-1 ");
        var stderrStart = harness.Feed("2026-11-25T10:00:01Z stderr P err-1,");
        harness.Feed("2026-11-25T10:00:02Z stdout P out-2 ");
        harness.Feed("2026-11-25T10:00:03Z stderr F err-2");
        harness.Feed("2026-11-25T10:00:04Z stdout F out-3");

        Assert.Equal(2, harness.Records.Count);
        var err = harness.Records[0];
        Assert.Equal("err-1,err-2", err.Text);
        Assert.Equal(LogStream.Stderr, err.Stream);
        Assert.Equal(stderrStart, err.Offset);
        Assert.Equal(TenOClock + 1_000_000_000, err.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Joined, err.Flags);
        var out1 = harness.Records[1];
        Assert.Equal("out-1 out-2 out-3", out1.Text);
        Assert.Equal(LogStream.Stdout, out1.Stream);
        Assert.Equal(stdoutStart, out1.Offset);
        Assert.Equal(TenOClock, out1.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Joined, out1.Flags);
        Assert.Equal(2, harness.Decoder.JoinedRecords);
    }

    [Fact]
    public void Cri_multibyte_character_split_between_pieces_joins_without_repair()
    {
        var harness = new DecoderHarness();
        var euro = Encoding.UTF8.GetBytes("€"); // E2 82 AC

        harness.Feed([.. "2026-11-25T10:00:00Z stdout P price "u8, euro[0], euro[1]]);
        harness.Feed([.. "2026-11-25T10:00:00Z stdout F "u8, euro[2], .. "5"u8]);

        var record = Assert.Single(harness.Records);
        Assert.Equal("price €5", record.Text);
        Assert.Equal(LogRecordFlags.Joined, record.Flags);
    }

    [Fact]
    public void Cri_extra_tags_after_the_partial_tag_are_ignored()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00Z stdout P:x first ");
        harness.Feed("2026-11-25T10:00:00Z stdout F:y second");

        Assert.Equal("first second", Assert.Single(harness.Records).Text);
    }

    [Fact]
    public void Cri_line_cut_by_the_tailer_keeps_its_message_flagged_truncated_without_half_a_character()
    {
        var harness = new DecoderHarness();
        var line = Encoding.UTF8.GetBytes("2026-11-25T10:00:00Z stdout F long ééé");

        harness.Feed(line[..^1], truncated: true);

        var record = Assert.Single(harness.Records);
        Assert.Equal("long éé", record.Text);
        Assert.Equal(TenOClock, record.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Truncated, record.Flags);
        Assert.Equal(1, harness.Decoder.TruncatedRecords);
        Assert.Equal(0, harness.Decoder.Utf8Repairs);
    }

    [Fact]
    public void Cri_invalid_utf8_in_the_message_is_repaired()
    {
        var harness = new DecoderHarness();

        harness.Feed([.. "2026-11-25T10:00:00Z stdout F bad "u8, 0xC3, .. " byte"u8]);

        var record = Assert.Single(harness.Records);
        Assert.Equal("bad \uFFFD byte", record.Text);
        Assert.Equal(LogRecordFlags.Utf8Repaired, record.Flags);
        Assert.Equal(1, harness.Decoder.Utf8Repairs);
    }

    [Theory]
    [InlineData("""{"log":"docker line in a CRI file\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}""")]
    [InlineData("garbage without structure")]
    [InlineData("2026-11-25T10:00:00Z stdin F unknown stream")]
    [InlineData("2026-11-25T10:00:00Z stdout X unknown tag")]
    [InlineData("2026-11-25T10:00:00Z stdout Fx glued tag")]
    [InlineData("yesterday stdout F a time nobody can read")]
    [InlineData("2026-02-30T10:00:00Z stdout F an impossible date")]
    public void Cri_file_line_that_is_not_cri_is_kept_raw_as_unparsed(string line)
    {
        var harness = new DecoderHarness();
        harness.Feed("2026-11-25T10:00:00Z stdout F detects cri");

        var offset = harness.Feed(line);

        var record = harness.Records[1];
        Assert.Equal(line, record.Text);
        Assert.Equal(offset, record.Offset);
        Assert.Equal(LogRecordFlags.Unparsed, record.Flags);
        Assert.Equal(LogStream.Stdout, record.Stream);
        Assert.Equal(harness.Time.UnixNanos(), record.TimeUnixNanos);
        Assert.Equal(1, harness.Decoder.UnparsedLines);
        Assert.Equal(ContainerLogFormat.Cri, harness.Decoder.DetectedFormat);
    }

    [Fact]
    public void Cri_unparsed_line_between_pieces_does_not_break_the_join()
    {
        var harness = new DecoderHarness();

        var start = harness.Feed("2026-11-25T10:00:00Z stdout P left ");
        harness.Feed("noise");
        harness.Feed("2026-11-25T10:00:00Z stdout F right");

        Assert.Equal(["noise", "left right"], harness.Records.Select(r => r.Text));
        Assert.Equal(start, harness.Records[1].Offset);
    }
}
