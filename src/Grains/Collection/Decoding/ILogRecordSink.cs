using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Receives the records a <see cref="ContainerLogDecoder"/> decodes. The caller knows which
/// file (and so which <c>LogSource</c>) the decoder follows; the message is only
/// valid for the duration of the call, so copy it out.
/// </summary>
public interface ILogRecordSink
{
    /// <param name="offset">Byte offset in the file of the first line (piece) of the record.</param>
    /// <param name="timeUnixNanos">Time the runtime stamped on the record, Unix nanoseconds.</param>
    /// <param name="stream">Stdout or stderr.</param>
    /// <param name="flags">What happened to the record on its way in.</param>
    /// <param name="message">The message, valid UTF-8, without the trailing newline.</param>
    void Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message);
}
