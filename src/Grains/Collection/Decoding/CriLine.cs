using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>One parsed CRI line; <see cref="Message"/> points into the line.</summary>
internal readonly ref struct CriLine
{
    public CriLine(long timeUnixNanos, LogStream stream, bool isPartial, ReadOnlySpan<byte> message)
    {
        TimeUnixNanos = timeUnixNanos;
        Stream = stream;
        IsPartial = isPartial;
        Message = message;
    }

    public long TimeUnixNanos { get; }
    public LogStream Stream { get; }

    /// <summary>Tag <c>P</c>: more pieces of this line follow.</summary>
    public bool IsPartial { get; }

    public ReadOnlySpan<byte> Message { get; }
}
