using Microsoft.Extensions.Options;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Tests.Decoding;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Multiline;

public sealed class CustomRulesTests
{
    private const string TimestampStart = @"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}";

    [Fact]
    public void Start_pattern_alone_joins_every_line_up_to_the_next_start()
    {
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = TimestampStart });

        harness.Feed(StackTraces.SpringLogLine);
        harness.FeedLines(StackTraces.JavaWithCauses);
        var next = harness.Feed("2026-11-25 10:00:01.000  INFO 1 --- [main] c.e.App : started");
        harness.Feed("  with a second line");
        harness.Joiner.FlushAll();

        Assert.Equal(
            [StackTraces.SpringLogLine + "\n" + StackTraces.JavaWithCauses, "2026-11-25 10:00:01.000  INFO 1 --- [main] c.e.App : started\n  with a second line"],
            harness.Texts());
        Assert.Equal(next, harness.Records[1].Offset);
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Joined, r.Flags));
    }

    [Fact]
    public void Lines_before_the_first_start_go_through_alone()
    {
        var harness = new JoinerHarness(new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = TimestampStart });

        harness.Feed("banner line 1");
        harness.Feed("banner line 2");

        Assert.Equal(["banner line 1", "banner line 2"], harness.Texts());
        Assert.Equal(long.MaxValue, harness.Joiner.PendingStartOffset);
    }

    [Fact]
    public void Continue_pattern_joins_only_matching_lines_and_leaves_others_alone()
    {
        var harness = new JoinerHarness(new MultilineOptions
        {
            Mode = MultilineMode.Custom,
            StartPattern = @"^\[(?:ERROR|WARN)\]",
            ContinuePattern = @"^\s+\|",
        });

        harness.Feed("[ERROR] query failed");
        harness.Feed("   | SELECT *");
        harness.Feed("   |   FROM orders");
        harness.Feed("[INFO] next request");
        harness.Feed("   | not joined: no record is pending");
        harness.Feed("[WARN] slow query");
        harness.Feed("[WARN] another slow query");
        harness.Joiner.FlushAll();

        Assert.Equal(
            ["[ERROR] query failed\n   | SELECT *\n   |   FROM orders", "[INFO] next request", "   | not joined: no record is pending", "[WARN] slow query", "[WARN] another slow query"],
            harness.Texts());
    }

    [Fact]
    public void A_line_matching_both_patterns_continues_the_pending_record()
    {
        var harness = new JoinerHarness(new MultilineOptions
        {
            Mode = MultilineMode.Custom,
            StartPattern = @"Exception",
            ContinuePattern = @"^(?:\s+at |Caused by: )",
        });

        harness.FeedLines("java.lang.RuntimeException: a\n\tat A.b(A.java:1)\nCaused by: java.io.IOException: b\n\tat C.d(C.java:2)");
        harness.Joiner.FlushAll();

        Assert.Single(harness.Records);
    }

    [Fact]
    public void Invalid_pattern_is_rejected_with_what_to_fix()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            MultilineRules.Create(new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = "^(\\d{4}", ContinuePattern = "[" }));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("StartPattern: '^(\\d{4}' is not a valid .NET regular expression", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ContinuePattern: '[' is not a valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Custom_mode_needs_a_start_pattern()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new MultilineJoiner(
            new MultilineOptions { Mode = MultilineMode.Custom }, new RecordingLogSink(), TimeProvider.System));

        Assert.Contains("StartPattern: required with mode custom", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MultilineMode.Java, "^x", null, "only read with mode custom")]
    [InlineData(MultilineMode.Go, null, "^x", "only read with mode custom")]
    [InlineData((MultilineMode)42, null, null, "Mode: 42 is not a mode")]
    public void Options_that_do_not_fit_the_mode_are_rejected(MultilineMode mode, string? start, string? @continue, string expected)
    {
        var result = new MultilineOptionsValidator().Validate(null, new MultilineOptions { Mode = mode, StartPattern = start, ContinuePattern = @continue });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_and_timeout_out_of_range_are_each_named()
    {
        var result = new MultilineOptionsValidator().Validate(null, new MultilineOptions
        {
            Mode = MultilineMode.Python,
            FlushTimeout = TimeSpan.Zero,
            MaxBytes = 0,
            MaxLines = -1,
        });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("FlushTimeout:", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("MaxBytes: 0 is out of range", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("MaxLines: -1 is out of range", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_are_built_once_per_options_instance()
    {
        var options = new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = TimestampStart };
        var equal = new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = TimestampStart };

        Assert.Same(MultilineRules.For(options), MultilineRules.For(options));
        Assert.Same(options, MultilineRules.For(options).Options);
        Assert.NotSame(MultilineRules.For(options), MultilineRules.For(equal));
        Assert.Throws<OptionsValidationException>(() => MultilineRules.For(new MultilineOptions { Mode = MultilineMode.Custom }));
    }

    [Fact]
    public void Rules_built_once_serve_the_joiners_of_several_files()
    {
        var rules = MultilineRules.Create(new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = TimestampStart });
        var time = TestClock.Create();
        var sinkA = new RecordingLogSink();
        var sinkB = new RecordingLogSink();
        var a = new MultilineJoiner(rules, sinkA, time);
        var b = new MultilineJoiner(rules, sinkB, time);

        a.Append(0, 1, LogStream.Stdout, LogRecordFlags.None, "2026-11-25 10:00 a"u8);
        b.Append(0, 1, LogStream.Stdout, LogRecordFlags.None, "2026-11-25 10:00 b"u8);
        a.Append(19, 2, LogStream.Stdout, LogRecordFlags.None, " a2"u8);
        b.Append(19, 2, LogStream.Stdout, LogRecordFlags.None, " b2"u8);
        a.FlushAll();
        b.FlushAll();

        Assert.Equal("2026-11-25 10:00 a\n a2", Assert.Single(sinkA.Records).Text);
        Assert.Equal("2026-11-25 10:00 b\n b2", Assert.Single(sinkB.Records).Text);
    }
}
