using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class FormatDetectionTests
{
    [Fact]
    public void Format_is_unknown_before_any_line()
    {
        var harness = new DecoderHarness();

        Assert.Equal(ContainerLogFormat.Unknown, harness.Decoder.DetectedFormat);
        Assert.Equal(long.MaxValue, harness.Decoder.PendingStartOffset);
    }

    [Fact]
    public void Empty_lines_are_skipped_and_do_not_decide_the_format()
    {
        var harness = new DecoderHarness();

        harness.Feed("");
        harness.Feed("\r");
        var offset = harness.Feed("2026-11-25T10:00:00Z stdout F hello");

        Assert.Equal(ContainerLogFormat.Cri, harness.Decoder.DetectedFormat);
        var record = Assert.Single(harness.Records);
        Assert.Equal(3, offset);
        Assert.Equal(offset, record.Offset);
    }

    [Fact]
    public void First_line_that_is_neither_format_is_unparsed_and_the_next_line_decides()
    {
        var harness = new DecoderHarness();

        harness.Feed("just some text");
        Assert.Equal(ContainerLogFormat.Unknown, harness.Decoder.DetectedFormat);
        harness.Feed(DockerLogLines.Line("now docker\n"));

        Assert.Equal(ContainerLogFormat.DockerJson, harness.Decoder.DetectedFormat);
        Assert.Equal([LogRecordFlags.Unparsed, LogRecordFlags.None], harness.Records.Select(r => r.Flags));
        Assert.Equal(["just some text", "now docker"], harness.Records.Select(r => r.Text));
    }

    [Fact]
    public void Broken_json_first_line_still_decides_docker()
    {
        var harness = new DecoderHarness();

        harness.Feed("{\"log\":\"cut");
        harness.Feed("2026-11-25T10:00:00Z stdout F not docker");

        Assert.Equal(ContainerLogFormat.DockerJson, harness.Decoder.DetectedFormat);
        Assert.All(harness.Records, r => Assert.Equal(LogRecordFlags.Unparsed, r.Flags));
    }
}
