using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Batching;

/// <summary>One record inside a batch payload; <see cref="Message"/> points into the payload.</summary>
public readonly ref struct LogRecordView
{
    public LogRecordView(LogSource source, long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
    {
        Source = source;
        Offset = offset;
        TimeUnixNanos = timeUnixNanos;
        Stream = stream;
        Flags = flags;
        Message = message;
    }

    public LogSource Source { get; }

    /// <summary>Byte offset of the record's first line in its file; with the file key it makes the record id.</summary>
    public long Offset { get; }

    public long TimeUnixNanos { get; }
    public LogStream Stream { get; }
    public LogRecordFlags Flags { get; }
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The deterministic record id: file identity and offset.</summary>
    public string Id => RecordId.Format(Source.FileKey, Offset);
}
