using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class PartialRecordTests
{
    [Fact]
    public void Pending_start_offset_is_the_first_piece_not_yet_emitted()
    {
        var harness = new DecoderHarness();
        harness.Feed("2026-11-25T10:00:00Z stdout F done");
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);

        var stdoutStart = harness.Feed("2026-11-25T10:00:00Z stdout P a");
        Assert.Equal(stdoutStart, harness.Decoder.PendingStartOffset);
        var stderrStart = harness.Feed("2026-11-25T10:00:00Z stderr P b");
        harness.Feed("2026-11-25T10:00:00Z stdout P c");
        Assert.Equal(stdoutStart, harness.Decoder.PendingStartOffset);

        harness.Feed("2026-11-25T10:00:00Z stdout F d");
        Assert.Equal(stderrStart, harness.Decoder.PendingStartOffset);
        harness.Feed("2026-11-25T10:00:00Z stderr F e");
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);
    }

    [Fact]
    public void Partial_record_is_flushed_as_incomplete_once_its_first_piece_is_older_than_the_timeout()
    {
        var harness = new DecoderHarness(new ContainerLogDecoderOptions { PartialFlushTimeout = TimeSpan.FromSeconds(5) });
        var start = harness.Feed("2026-11-25T10:00:00Z stdout P waiting ");
        harness.Time.Advance(TimeSpan.FromSeconds(3));
        harness.Feed("2026-11-25T10:00:03Z stdout P still ");
        harness.Time.Advance(TimeSpan.FromSeconds(1.999));

        harness.Decoder.FlushExpired(harness.Sink);
        Assert.Empty(harness.Records);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        harness.Decoder.FlushExpired(harness.Sink);

        var record = Assert.Single(harness.Records);
        Assert.Equal("waiting still ", record.Text);
        Assert.Equal(start, record.Offset);
        Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Incomplete, record.Flags);
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);
        Assert.Equal(1, harness.Decoder.JoinedRecords);
    }

    [Fact]
    public void Flush_expired_leaves_younger_partial_records_pending()
    {
        var harness = new DecoderHarness();
        harness.Feed("2026-11-25T10:00:00Z stdout P old");
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        var young = harness.Feed("2026-11-25T10:00:04Z stderr P young");
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        harness.Decoder.FlushExpired(harness.Sink);

        Assert.Equal("old", Assert.Single(harness.Records).Text);
        Assert.Equal(young, harness.Decoder.PendingStartOffset);
    }

    [Fact]
    public void Piece_after_an_incomplete_flush_starts_a_new_record()
    {
        var harness = new DecoderHarness();
        harness.Feed("2026-11-25T10:00:00Z stdout P head ");
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        harness.Decoder.FlushExpired(harness.Sink);

        var tail = harness.Feed("2026-11-25T10:00:10Z stdout F tail");

        Assert.Equal(["head ", "tail"], harness.Records.Select(r => r.Text));
        Assert.Equal(tail, harness.Records[1].Offset);
        Assert.Equal(LogRecordFlags.None, harness.Records[1].Flags);
    }

    [Fact]
    public void Flush_all_emits_every_pending_record_in_file_order()
    {
        var harness = new DecoderHarness();
        var stderrStart = harness.Feed("2026-11-25T10:00:00Z stderr P err");
        var stdoutStart = harness.Feed("2026-11-25T10:00:00Z stdout P out");

        harness.Decoder.FlushAll(harness.Sink);

        Assert.Equal([stderrStart, stdoutStart], harness.Records.Select(r => r.Offset));
        Assert.Equal(["err", "out"], harness.Records.Select(r => r.Text));
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Incomplete, r.Flags));
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);
    }

    [Fact]
    public void Docker_last_line_without_newline_waits_for_the_flush()
    {
        var harness = new DecoderHarness();

        var start = harness.Feed("""{"log":"exit without newline","stream":"stdout","time":"2026-11-25T10:00:00Z"}""");
        Assert.Empty(harness.Records);
        Assert.Equal(start, harness.Decoder.PendingStartOffset);
        harness.Decoder.FlushAll(harness.Sink);

        var record = Assert.Single(harness.Records);
        Assert.Equal("exit without newline", record.Text);
        Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Incomplete, record.Flags);
    }

    [Fact]
    public void Joined_record_over_the_cap_keeps_its_first_bytes_and_drops_the_rest_of_its_pieces()
    {
        var harness = new DecoderHarness(new ContainerLogDecoderOptions { MaxRecordBytes = 1000 });
        var piece = new string('a', 400);

        var start = harness.Feed($"2026-11-25T10:00:00Z stdout P {piece}");
        harness.Feed($"2026-11-25T10:00:00Z stdout P {piece.Replace('a', 'b')}");
        harness.Feed($"2026-11-25T10:00:00Z stdout P {piece.Replace('a', 'c')}");
        Assert.Empty(harness.Records);
        harness.Feed($"2026-11-25T10:00:00Z stdout P {piece.Replace('a', 'd')}");
        harness.Feed("2026-11-25T10:00:00Z stdout F end");
        harness.Feed("2026-11-25T10:00:00Z stdout F next");

        Assert.Equal(2, harness.Records.Count);
        var capped = harness.Records[0];
        Assert.Equal(new string('a', 400) + new string('b', 400) + new string('c', 200), capped.Text);
        Assert.Equal(start, capped.Offset);
        Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Truncated, capped.Flags);
        Assert.Equal("next", harness.Records[1].Text);
        Assert.Equal(LogRecordFlags.None, harness.Records[1].Flags);
        Assert.Equal(1, harness.Decoder.TruncatedRecords);
    }

    [Fact]
    public void Single_line_over_the_cap_is_truncated()
    {
        var harness = new DecoderHarness(new ContainerLogDecoderOptions { MaxRecordBytes = 100 });

        harness.Feed(DockerLogLines.Line(new string('x', 150) + "\n"));

        var record = Assert.Single(harness.Records);
        Assert.Equal(new string('x', 100), record.Text);
        Assert.Equal(LogRecordFlags.Truncated, record.Flags);
        Assert.Equal(1, harness.Decoder.TruncatedRecords);
    }

    [Fact]
    public void Cap_never_leaves_half_a_utf8_character()
    {
        var harness = new DecoderHarness(new ContainerLogDecoderOptions { MaxRecordBytes = 100 });

        // 99 ASCII bytes then "€" (3 bytes): the cap falls inside the euro sign.
        harness.Feed($"2026-11-25T10:00:00Z stdout P {new string('x', 99)}");
        harness.Feed("2026-11-25T10:00:00Z stdout F €uro");

        var record = Assert.Single(harness.Records);
        Assert.Equal(new string('x', 99), record.Text);
        Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Truncated, record.Flags);
        Assert.Equal(0, harness.Decoder.Utf8Repairs);
    }

    [Fact]
    public void Piece_cut_by_the_tailer_carries_truncated_into_the_joined_record()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00Z stdout P cut-her", truncated: true);
        harness.Feed("2026-11-25T10:00:00Z stdout F e");

        var record = Assert.Single(harness.Records);
        Assert.Equal("cut-here", record.Text);
        Assert.Equal(LogRecordFlags.Joined | LogRecordFlags.Truncated, record.Flags);
        Assert.Equal(1, harness.Decoder.TruncatedRecords);
    }

    [Fact]
    public void Offset_going_back_flushes_pending_pieces_of_the_old_content_as_incomplete()
    {
        var harness = new DecoderHarness();
        var sink = harness.Sink;
        var first = "2026-11-25T10:00:00Z stdout P before truncation"u8.ToArray();
        harness.Decoder.Decode(first, 100, 100 + first.Length + 1, truncated: false, sink);

        // copytruncate: the file starts again at 0.
        var again = "2026-11-25T10:00:01Z stdout F fresh"u8.ToArray();
        harness.Decoder.Decode(again, 0, again.Length + 1, truncated: false, sink);

        Assert.Equal(["before truncation", "fresh"], harness.Records.Select(r => r.Text));
        Assert.Equal([100L, 0L], harness.Records.Select(r => r.Offset));
        Assert.Equal([LogRecordFlags.Joined | LogRecordFlags.Incomplete, LogRecordFlags.None], harness.Records.Select(r => r.Flags));
    }

    [Fact]
    public void Counters_count_each_kind_of_record()
    {
        var harness = new DecoderHarness(new ContainerLogDecoderOptions { MaxRecordBytes = 64 });

        harness.Feed("2026-11-25T10:00:00Z stdout F plain");
        harness.Feed("2026-11-25T10:00:00Z stdout P joined ");
        harness.Feed("2026-11-25T10:00:00Z stdout F line");
        harness.Feed("garbage");
        harness.Feed($"2026-11-25T10:00:00Z stdout F {new string('x', 100)}");
        harness.Feed([.. "2026-11-25T10:00:00Z stdout F "u8, 0xFF]);

        var decoder = harness.Decoder;
        Assert.Equal(5, decoder.RecordsDecoded);
        Assert.Equal(1, decoder.JoinedRecords);
        Assert.Equal(1, decoder.UnparsedLines);
        Assert.Equal(1, decoder.TruncatedRecords);
        Assert.Equal(1, decoder.Utf8Repairs);
        Assert.Equal(harness.Records.Count, decoder.RecordsDecoded);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_what_to_set()
    {
        var options = new ContainerLogDecoderOptions { MaxRecordBytes = 0, PartialFlushTimeout = TimeSpan.Zero };

        var error = Assert.Throws<OptionsValidationException>(() => new ContainerLogDecoder(options, TimeProvider.System));

        Assert.Contains("MaxRecordBytes: 0 is out of range", error.Message);
        Assert.Contains("PartialFlushTimeout", error.Message);
    }

    [Fact]
    public void Default_options_are_256_KiB_and_5_seconds()
    {
        var options = new ContainerLogDecoderOptions();

        Assert.Equal(256 * 1024, options.MaxRecordBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PartialFlushTimeout);
        Assert.True(new ContainerLogDecoderOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Joined_record_of_the_default_cap_size_is_kept_whole()
    {
        var harness = new DecoderHarness();
        var output = Encoding.ASCII.GetBytes(new string('z', ContainerLogDecoderOptions.DefaultMaxRecordBytes));

        harness.FeedAll(DockerLogLines.Write(output));

        var record = Assert.Single(harness.Records);
        Assert.Equal(output, record.Message);
        Assert.Equal(LogRecordFlags.Joined, record.Flags);
    }
}
