using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// One parsed docker json-file line. <see cref="Log"/> is the unescaped <c>log</c> value, newline
/// included; it points into the line or into the parser's scratch buffer, valid until the next parse.
/// </summary>
internal readonly ref struct DockerJsonLine
{
    public DockerJsonLine(ReadOnlySpan<byte> log, LogStream stream, bool hasTime, long timeUnixNanos, bool surrogateReplaced)
    {
        Log = log;
        Stream = stream;
        HasTime = hasTime;
        TimeUnixNanos = timeUnixNanos;
        SurrogateReplaced = surrogateReplaced;
    }

    public ReadOnlySpan<byte> Log { get; }
    public LogStream Stream { get; }

    /// <summary>False when <c>time</c> was missing or not a time.</summary>
    public bool HasTime { get; }

    public long TimeUnixNanos { get; }

    /// <summary>An unpaired <c>\uD800</c>-style escape was replaced by U+FFFD.</summary>
    public bool SurrogateReplaced { get; }
}
