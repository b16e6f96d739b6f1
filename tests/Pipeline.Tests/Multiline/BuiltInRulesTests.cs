using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Multiline;
using Xunit;

namespace Pipeline.Tests.Multiline;

public sealed class BuiltInRulesTests
{
    private const string InfoLine = "2026-11-25 10:00:00.200  INFO 1 --- [nio-8080-exec-2] c.e.orders.OrderController : GET /orders/43 200";

    [Fact]
    public void Java_trace_with_caused_by_suppressed_and_more_is_one_record()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed(StackTraces.SpringLogLine);
        var traceOffset = harness.FeedLines(StackTraces.JavaWithCauses);
        var infoOffset = harness.Feed(InfoLine);

        Assert.Equal([StackTraces.SpringLogLine, StackTraces.JavaWithCauses, InfoLine], harness.Texts());
        var trace = harness.Records[1];
        Assert.Equal(traceOffset, trace.Offset);
        Assert.Equal(JoinerHarness.TimeOf(traceOffset), trace.TimeUnixNanos);
        Assert.Equal(LogRecordFlags.Joined, trace.Flags);
        Assert.Equal(LogRecordFlags.None, harness.Records[0].Flags);
        Assert.Equal(infoOffset, harness.Records[2].Offset);
        Assert.Equal(1, harness.Joiner.JoinedRecords);
        Assert.Equal(JoinerHarness.Lines(StackTraces.JavaWithCauses).Length, harness.Joiner.JoinedLines);
    }

    [Fact]
    public void Java_uncaught_exception_in_main_joins_its_frames()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.FeedLines(StackTraces.JavaMain);
        harness.Feed("Picked up JAVA_TOOL_OPTIONS: -Xmx512m");

        Assert.Equal([StackTraces.JavaMain, "Picked up JAVA_TOOL_OPTIONS: -Xmx512m"], harness.Texts());
    }

    [Fact]
    public void Java_two_exceptions_in_a_row_are_two_records()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.FeedLines(StackTraces.JavaMain);
        harness.FeedLines(StackTraces.JavaMain);
        harness.Joiner.FlushAll();

        Assert.Equal([StackTraces.JavaMain, StackTraces.JavaMain], harness.Texts());
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Joined, r.Flags));
    }

    [Fact]
    public void Java_header_without_frames_stays_a_plain_record()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("WARN retrying after java.net.SocketTimeoutException: Read timed out");
        Assert.Empty(harness.Records);
        harness.Feed("INFO retry succeeded");

        Assert.Equal(["WARN retrying after java.net.SocketTimeoutException: Read timed out", "INFO retry succeeded"], harness.Texts());
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
        Assert.Equal(0, harness.Joiner.JoinedRecords);
    }

    [Fact]
    public void Java_frames_without_a_header_stay_single_lines()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.Feed("\tat com.example.Orphan.frame(Orphan.java:1)");
        harness.Feed("\t... 3 more");

        Assert.Equal(2, harness.Records.Count);
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Java_rules_join_dotnet_inner_exception_traces()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        harness.FeedLines(StackTraces.DotNet);
        harness.Feed("info: Microsoft.Hosting.Lifetime[0] Application is shutting down...");

        Assert.Equal([StackTraces.DotNet, "info: Microsoft.Hosting.Lifetime[0] Application is shutting down..."], harness.Texts());
    }

    [Fact]
    public void Java_trace_written_with_crlf_still_joins_and_keeps_its_carriage_returns()
    {
        var harness = new JoinerHarness(MultilineMode.Java);

        foreach (var line in JoinerHarness.Lines(StackTraces.JavaMain))
        {
            harness.Feed(line + "\r");
        }

        harness.Joiner.FlushAll();

        var record = Assert.Single(harness.Records);
        Assert.Equal(StackTraces.JavaMain.ReplaceLineEndings("\r\n") + "\r", record.Text);
    }

    [Fact]
    public void Python_chained_tracebacks_are_one_record()
    {
        var harness = new JoinerHarness(MultilineMode.Python);

        harness.Feed("INFO:worker:picked up order 42");
        var traceOffset = harness.FeedLines(StackTraces.PythonChained);
        harness.Feed("INFO:worker:picked up order 43");

        Assert.Equal(["INFO:worker:picked up order 42", StackTraces.PythonChained, "INFO:worker:picked up order 43"], harness.Texts());
        Assert.Equal(traceOffset, harness.Records[1].Offset);
        Assert.Equal(LogRecordFlags.Joined, harness.Records[1].Flags);
    }

    [Fact]
    public void Python_log_line_after_the_exception_line_ends_the_record()
    {
        var harness = new JoinerHarness(MultilineMode.Python);
        const string Traceback = """
            Traceback (most recent call last):
              File "/app/main.py", line 3, in <module>
                main()
            KeyboardInterrupt
            """;

        harness.FeedLines(Traceback);
        harness.Feed("ERROR:root:worker stopped");
        harness.Feed("  indented text after a log line stays alone");

        Assert.Equal([Traceback, "ERROR:root:worker stopped", "  indented text after a log line stays alone"], harness.Texts());
    }

    [Fact]
    public void Python_blank_line_after_the_exception_is_held_with_the_traceback()
    {
        var harness = new JoinerHarness(MultilineMode.Python);

        harness.FeedLines("Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: bad");
        harness.Feed("");
        harness.Feed("starting again");

        Assert.Equal(["Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: bad\n", "starting again"], harness.Texts());
    }

    [Fact]
    public void Go_panic_with_goroutine_dump_is_one_record()
    {
        var harness = new JoinerHarness(MultilineMode.Go);

        harness.Feed("2026/11/25 10:00:00 starting worker pool size=4");
        harness.FeedLines(StackTraces.GoPanic);
        harness.Feed("2026/11/25 10:00:05 starting worker pool size=4");

        Assert.Equal(
            ["2026/11/25 10:00:00 starting worker pool size=4", StackTraces.GoPanic, "2026/11/25 10:00:05 starting worker pool size=4"],
            harness.Texts());
        Assert.Equal(LogRecordFlags.Joined, harness.Records[1].Flags);
    }

    [Fact]
    public void Go_http_panic_serving_joins_the_goroutine_after_it()
    {
        var harness = new JoinerHarness(MultilineMode.Go);

        harness.FeedLines(StackTraces.GoHttpPanic);
        harness.Feed("2026/11/25 10:00:01 GET /healthz 200");

        Assert.Equal([StackTraces.GoHttpPanic, "2026/11/25 10:00:01 GET /healthz 200"], harness.Texts());
    }

    [Fact]
    public void Go_json_log_line_mentioning_panic_is_not_joined_to_the_next_line()
    {
        var harness = new JoinerHarness(MultilineMode.Go);

        harness.Feed("{\"level\":\"error\",\"msg\":\"recovered\",\"error\":\"panic: boom\"}");
        harness.Feed("{\"level\":\"info\",\"msg\":\"GET /orders 200\"}");

        Assert.Equal(2, harness.Records.Count);
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.None, r.Flags));
    }
}
