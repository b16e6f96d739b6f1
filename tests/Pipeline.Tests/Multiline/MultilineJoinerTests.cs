using System.Text;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Tests.Decoding;
using Xunit;

namespace Pipeline.Tests.Multiline;

public sealed class MultilineJoinerTests
{
    [Fact]
    public void Stdout_lines_pass_a_stderr_trace_that_is_still_joining()
    {
        var harness = new JoinerHarness(MultilineMode.Java);
        var trace = JoinerHarness.Lines(StackTraces.JavaMain);

        var traceOffset = harness.Feed(trace[0], LogStream.Stderr);
        harness.Feed("GET /a 200", LogStream.Stdout);
        harness.Feed(trace[1], LogStream.Stderr);
        harness.Feed("GET /b 200", LogStream.Stdout);
        harness.Feed(trace[2], LogStream.Stderr);

        Assert.Equal(["GET /a 200", "GET /b 200"], harness.Texts());
        Assert.Equal(traceOffset, harness.Joiner.PendingStartOffset);

        harness.Feed("shutting down", LogStream.Stderr);

        Assert.Equal(["GET /a 200", "GET /b 200", StackTraces.JavaMain, "shutting down"], harness.Texts());
        Assert.Equal([StackTraces.JavaMain, "shutting down"], harness.Texts(LogStream.Stderr));
        Assert.Equal(traceOffset, harness.Records[2].Offset);
        Assert.Equal(LogStream.Stderr, harness.Records[2].Stream);
    }

    [Fact]
    public void Each_stream_joins_its_own_trace_when_both_interleave_line_by_line()
    {
        var harness = new JoinerHarness(MultilineMode.Java);
        var stdoutTrace = JoinerHarness.Lines(StackTraces.JavaMain);
        var stderrTrace = JoinerHarness.Lines(StackTraces.JavaWithCauses);

        for (var i = 0; i < stderrTrace.Length; i++)
        {
            if (i < stdoutTrace.Length)
            {
                harness.Feed(stdoutTrace[i], LogStream.Stdout);
            }

            harness.Feed(stderrTrace[i], LogStream.Stderr);
        }

        Assert.Empty(harness.Records);
        Assert.Equal(0, harness.Joiner.PendingStartOffset);
        harness.Joiner.FlushAll();

        Assert.Equal([StackTraces.JavaMain], harness.Texts(LogStream.Stdout));
        Assert.Equal([StackTraces.JavaWithCauses], harness.Texts(LogStream.Stderr));
        Assert.Equal(LogStream.Stdout, harness.Records[0].Stream);
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Records_of_one_stream_leave_in_the_order_they_came()
    {
        var harness = new JoinerHarness(MultilineMode.Java);
        var expected = new List<string>();

        for (var i = 0; i < 5; i++)
        {
            harness.Feed($"line {i}");
            expected.Add($"line {i}");
            harness.FeedLines(StackTraces.JavaMain);
            expected.Add(StackTraces.JavaMain);
        }

        harness.Feed("last");
        expected.Add("last");

        Assert.Equal(expected, harness.Texts());
        Assert.True(harness.Records.Zip(harness.Records.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
    }

    [Fact]
    public void Pending_start_offset_is_the_first_line_of_the_oldest_pending_record()
    {
        var harness = new JoinerHarness(MultilineMode.Java);
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);

        harness.Feed("plain line");
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);

        var stderrStart = harness.Feed("java.lang.IllegalStateException: stderr", LogStream.Stderr);
        var stdoutStart = harness.Feed("java.lang.IllegalStateException: stdout", LogStream.Stdout);
        harness.Feed("\tat A.b(A.java:1)", LogStream.Stdout);
        Assert.Equal(stderrStart, harness.Joiner.PendingStartOffset);

        harness.Feed("stderr done", LogStream.Stderr);
        Assert.Equal(stdoutStart, harness.Joiner.PendingStartOffset);

        harness.Feed("stdout done", LogStream.Stdout);
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
        Assert.Equal(5, harness.Records.Count);
    }

    [Fact]
    public void Flush_timeout_counts_from_the_last_line()
    {
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Java, FlushTimeout = TimeSpan.FromSeconds(2) });
        var lines = JoinerHarness.Lines(StackTraces.JavaMain);

        harness.Feed(lines[0]);
        harness.Time.Advance(TimeSpan.FromSeconds(1.5));
        harness.Feed(lines[1]);
        harness.Time.Advance(TimeSpan.FromSeconds(1.5));
        harness.Joiner.FlushExpired();
        Assert.Empty(harness.Records);

        harness.Feed(lines[2]);
        harness.Time.Advance(TimeSpan.FromSeconds(1.999));
        harness.Joiner.FlushExpired();
        Assert.Empty(harness.Records);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        harness.Joiner.FlushExpired();

        var record = Assert.Single(harness.Records);
        Assert.Equal(StackTraces.JavaMain, record.Text);
        Assert.Equal(LogRecordFlags.Joined, record.Flags);
        Assert.Equal(1, harness.Joiner.TimeoutFlushes);
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void A_continuation_after_the_timeout_does_not_join_the_flushed_record()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("java.lang.IllegalStateException: boom");
        harness.Feed("\tat A.b(A.java:1)");
        harness.Time.Advance(MultilineOptions.DefaultFlushTimeout);
        harness.Joiner.FlushExpired();
        harness.Feed("\tat A.c(A.java:2)");

        Assert.Equal(["java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)", "\tat A.c(A.java:2)"], harness.Texts());
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Flush_expired_leaves_the_stream_that_is_still_fresh()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("java.lang.IllegalStateException: old", LogStream.Stderr);
        harness.Time.Advance(TimeSpan.FromSeconds(0.6));
        var fresh = harness.Feed("java.lang.IllegalStateException: fresh", LogStream.Stdout);
        harness.Time.Advance(TimeSpan.FromSeconds(0.6));
        harness.Joiner.FlushExpired();

        var record = Assert.Single(harness.Records);
        Assert.Equal(LogStream.Stderr, record.Stream);
        Assert.Equal(fresh, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Flush_all_emits_pending_records_in_file_order()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        var first = harness.Feed("java.lang.IllegalStateException: first", LogStream.Stdout);
        var second = harness.Feed("java.lang.IllegalStateException: second", LogStream.Stderr);
        harness.Feed("\tat A.b(A.java:1)", LogStream.Stderr);
        harness.Feed("\tat A.b(A.java:1)", LogStream.Stdout);
        harness.Joiner.FlushAll();

        Assert.Equal([first, second], harness.Records.Select(r => r.Offset));
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Max_lines_emits_the_record_and_the_rest_of_the_trace_joins_the_next()
    {
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Java, MaxLines = 3 });
        var frames = Enumerable.Range(1, 7).Select(i => $"\tat A.f{i}(A.java:{i})").ToArray();

        harness.Feed("java.lang.StackOverflowError");
        var fourth = 0L;
        for (var i = 0; i < frames.Length; i++)
        {
            var offset = harness.Feed(frames[i]);
            if (i == 2)
            {
                fourth = offset;
            }
        }

        harness.Feed("after");

        Assert.Equal(
            [
                string.Join('\n', ["java.lang.StackOverflowError", .. frames[..2]]),
                string.Join('\n', frames[2..5]),
                string.Join('\n', frames[5..]),
                "after",
            ],
            harness.Texts());
        Assert.Equal(fourth, harness.Records[1].Offset);
        Assert.Equal(2, harness.Joiner.LimitFlushes);
    }

    [Fact]
    public void Max_bytes_keeps_joined_records_within_the_limit_and_loses_no_line()
    {
        const int MaxBytes = 100;
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Java, MaxBytes = MaxBytes });
        var lines = new List<string> { "java.lang.IllegalStateException: boom" };
        lines.AddRange(Enumerable.Range(1, 20).Select(i => $"\tat com.example.F.m{i}(F.java:{i})"));

        foreach (var line in lines)
        {
            harness.Feed(line);
        }

        harness.Joiner.FlushAll();

        Assert.True(harness.Records.Count > 1);
        Assert.All(harness.Records, r => Assert.True(r.Message.Length <= MaxBytes, $"{r.Message.Length} bytes"));
        Assert.Equal(string.Join('\n', lines), string.Join('\n', harness.Texts()));
    }

    [Fact]
    public void A_line_longer_than_max_bytes_is_a_record_of_its_own()
    {
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Java, MaxBytes = 64 });
        var longFrame = "\tat " + new string('x', 100);

        harness.Feed("java.lang.IllegalStateException: boom");
        harness.Feed("\tat A.b(A.java:1)");
        harness.Feed(longFrame);
        harness.Feed("\tat A.c(A.java:2)");
        harness.Joiner.FlushAll();

        Assert.Equal(["java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)", longFrame, "\tat A.c(A.java:2)"], harness.Texts());
    }

    [Fact]
    public void Joined_record_carries_the_flags_of_every_line()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("java.lang.IllegalStateException: caf\uFFFD", flags: LogRecordFlags.Utf8Repaired);
        harness.Feed("\tat A.b(A.java:1)");
        harness.Feed("\tat A.c(A.ja", flags: LogRecordFlags.Truncated | LogRecordFlags.Joined | LogRecordFlags.Incomplete);
        harness.Feed("GET /a 200", flags: LogRecordFlags.Unparsed);

        Assert.Equal(2, harness.Records.Count);
        Assert.Equal(
            LogRecordFlags.Utf8Repaired | LogRecordFlags.Truncated | LogRecordFlags.Joined | LogRecordFlags.Incomplete,
            harness.Records[0].Flags);
        Assert.Equal(LogRecordFlags.Unparsed, harness.Records[1].Flags);
    }

    [Fact]
    public void A_line_alone_keeps_its_bytes_even_with_a_trailing_newline()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("plain\n");
        harness.Feed("java.lang.IllegalStateException: boom\n");
        harness.Feed("\tat A.b(A.java:1)\n");
        harness.Joiner.FlushAll();

        Assert.Equal(["plain\n", "java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)"], harness.Texts());
    }

    [Fact]
    public void A_file_read_again_from_its_start_never_joins_old_and_new_lines()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("first line");
        harness.Feed("java.lang.IllegalStateException: before truncation");
        harness.NextOffset = 0;
        harness.Feed("\tat A.b(A.java:1)");

        Assert.Equal(["first line", "java.lang.IllegalStateException: before truncation", "\tat A.b(A.java:1)"], harness.Texts());
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
    }

    [Fact]
    public void Behind_the_decoder_cri_pieces_and_trace_lines_join_and_the_commit_offset_waits()
    {
        var time = Support.TestClock.Create();
        var sink = new RecordingLogSink();
        var joiner = new MultilineJoiner(new MultilineOptions { Mode = MultilineMode.Java }, sink, time);
        var decoder = new ContainerLogDecoder(new ContainerLogDecoderOptions(), time);
        long next = 0;
        long Feed(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var offset = next;
            next += bytes.Length + 1;
            decoder.Decode(bytes, offset, next, truncated: false, joiner);
            return offset;
        }

        long SafeOffset() => Math.Min(Math.Min(decoder.PendingStartOffset, joiner.PendingStartOffset), next);

        Feed("2026-11-25T10:00:00.000000001Z stdout F starting");
        var header = Feed("2026-11-25T10:00:00.000000002Z stderr F java.lang.IllegalStateException: boom");
        Feed("2026-11-25T10:00:00.000000003Z stdout F GET /a 200");
        Feed("2026-11-25T10:00:00.000000004Z stderr P \tat com.example.VeryLong");
        Assert.Equal(header, SafeOffset());
        Feed("2026-11-25T10:00:00.000000005Z stderr F Frame.run(VeryLongFrame.java:12)");
        Feed("2026-11-25T10:00:00.000000006Z stderr F \t... 3 more");
        Assert.Equal(header, SafeOffset());
        Feed("2026-11-25T10:00:00.000000007Z stderr F done");

        Assert.Equal(
            ["starting", "GET /a 200", "java.lang.IllegalStateException: boom\n\tat com.example.VeryLongFrame.run(VeryLongFrame.java:12)\n\t... 3 more", "done"],
            sink.Records.Select(r => r.Text));
        var trace = sink.Records[2];
        Assert.Equal(header, trace.Offset);
        Assert.Equal(1_795_600_800_000_000_002, trace.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Joined, trace.Flags);
        Assert.Equal(next, SafeOffset());
    }

    [Fact]
    public void Steady_state_lines_allocate_nothing()
    {
        var sink = new CountingSink();
        var joiner = new MultilineJoiner(new MultilineOptions { Mode = MultilineMode.Java }, sink, Support.TestClock.Create());
        var lines = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            lines.Add(Encoding.UTF8.GetBytes($"2026-11-25 10:00:00.{i:000} INFO c.e.OrderController : GET /orders/{i} 200"));
        }

        lines.Add(Encoding.UTF8.GetBytes(StackTraces.SpringLogLine));
        lines.AddRange(JoinerHarness.Lines(StackTraces.JavaWithCauses).Select(Encoding.UTF8.GetBytes));
        lines.Add(Encoding.UTF8.GetBytes("x" + new string('y', 2000) + "Exception: in a long line"));
        long offset = 0;
        void FeedAll(int rounds)
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var line in lines)
                {
                    joiner.Append(offset, offset, LogStream.Stdout, LogRecordFlags.None, line);
                    offset += line.Length + 1;
                }
            }
        }

        FeedAll(200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        FeedAll(200);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sink.Joined >= 200, $"{sink.Joined} joined records");
        Assert.Equal(0, allocated);
    }

    private sealed class CountingSink : ILogRecordSink
    {
        public long Joined { get; private set; }

        public void Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
        {
            if ((flags & LogRecordFlags.Joined) != 0)
            {
                Joined++;
            }
        }
    }
}
