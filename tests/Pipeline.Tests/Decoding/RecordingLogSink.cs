using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;

namespace Pipeline.Tests.Decoding;

/// <summary>In-memory sink: keeps a copy of every record in arrival order.</summary>
internal sealed class RecordingLogSink : ILogRecordSink
{
    public List<DecodedRecord> Records { get; } = [];

    public void Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
        => Records.Add(new DecodedRecord(offset, timeUnixNanos, stream, flags, message.ToArray()));
}
