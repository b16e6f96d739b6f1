using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;

namespace Pipeline.Benchmarks.Decoding;

/// <summary>Counts records and bytes, so the decode work cannot be optimised away and costs the sink nothing.</summary>
internal sealed class CountingLogRecordSink : ILogRecordSink
{
    public long Records { get; private set; }
    public long Bytes { get; private set; }

    public void Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
    {
        Records++;
        Bytes += message.Length;
    }
}
