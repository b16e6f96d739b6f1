using System.Text;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Decoding;

/// <summary>A decoder fed like the tailer feeds it: lines back to back, offsets counted with their '\n'.</summary>
internal sealed class DecoderHarness
{
    public DecoderHarness(ContainerLogDecoderOptions? options = null)
    {
        Decoder = new ContainerLogDecoder(options ?? new ContainerLogDecoderOptions(), Time);
    }

    public FakeTimeProvider Time { get; } = TestClock.Create(TestClock.Start.AddHours(-1));
    public RecordingLogSink Sink { get; } = new();
    public ContainerLogDecoder Decoder { get; }
    public List<DecodedRecord> Records => Sink.Records;

    /// <summary>Offset the next fed line starts at.</summary>
    public long NextOffset { get; private set; }

    /// <returns>The offset the line was fed at.</returns>
    public long Feed(string line, bool truncated = false) => Feed(Encoding.UTF8.GetBytes(line), truncated);

    public long Feed(byte[] line, bool truncated = false)
    {
        var offset = NextOffset;
        NextOffset += line.Length + 1;
        Decoder.Decode(line, offset, NextOffset, truncated, Sink);
        return offset;
    }

    public void FeedAll(IEnumerable<byte[]> lines)
    {
        foreach (var line in lines)
        {
            Feed(line);
        }
    }
}
