using System.Text;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Tests.Decoding;
using Pipeline.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Multiline;

/// <summary>A joiner fed as a decoder feeds it: records back to back, offsets counted with their '\n', each a microsecond later.</summary>
internal sealed class JoinerHarness
{
    public const long StartUnixNanos = 1_795_600_800_000_000_000;

    public JoinerHarness(MultilineOptions options)
    {
        Joiner = new MultilineJoiner(options, Sink, Time);
    }

    public JoinerHarness(MultilineMode mode)
        : this(new MultilineOptions { Mode = mode })
    {
    }

    public FakeTimeProvider Time { get; } = TestClock.Create();
    public RecordingLogSink Sink { get; } = new();
    public MultilineJoiner Joiner { get; }
    public List<DecodedRecord> Records => Sink.Records;

    /// <summary>Offset the next fed line starts at.</summary>
    public long NextOffset { get; set; }

    public static long TimeOf(long offset) => StartUnixNanos + offset * 1000;

    /// <returns>The offset the line was fed at.</returns>
    public long Feed(string line, LogStream stream = LogStream.Stdout, LogRecordFlags flags = LogRecordFlags.None)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var offset = NextOffset;
        NextOffset += bytes.Length + 1;
        Joiner.Append(offset, TimeOf(offset), stream, flags, bytes);
        return offset;
    }

    /// <summary>Feeds each line of <paramref name="text"/>; returns the offset of the first.</summary>
    public long FeedLines(string text, LogStream stream = LogStream.Stdout)
    {
        var first = NextOffset;
        foreach (var line in Lines(text))
        {
            Feed(line, stream);
        }

        return first;
    }

    public static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    public List<string> Texts(LogStream? stream = null) =>
        Records.Where(r => stream is null || r.Stream == stream).Select(r => r.Text).ToList();
}
