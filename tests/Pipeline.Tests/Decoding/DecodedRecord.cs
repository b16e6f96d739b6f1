using System.Text;
using Pipeline.Grains.Batching;

namespace Pipeline.Tests.Decoding;

/// <summary>A record as a sink received it, message copied out.</summary>
internal sealed record DecodedRecord(long Offset, long TimeUnixNanos, LogStream Stream, LogRecordFlags Flags, byte[] Message)
{
    public string Text => Encoding.UTF8.GetString(Message);
}
