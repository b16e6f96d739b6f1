using System.Text.Json;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Parses docker json-file lines. The exact shape docker writes,
/// <c>{"log":"…","stream":"…","time":"…"}</c>, is scanned by hand; anything else (keys in
/// another order, <c>attrs</c>, whitespace) goes through <see cref="Utf8JsonReader"/>.
/// Both paths unescape with <see cref="JsonStringUnescaper"/> into one reused scratch buffer.
/// Not thread-safe: one per decoder.
/// </summary>
internal sealed class DockerJsonLineParser
{
    private byte[] _scratch = new byte[1024];

    public bool TryParse(ReadOnlySpan<byte> line, out DockerJsonLine result)
        => TryParseDockerShape(line, out result) || TryParseAnyShape(line, out result);

    private bool TryParseDockerShape(ReadOnlySpan<byte> line, out DockerJsonLine result)
    {
        result = default;
        if (!line.StartsWith("{\"log\":\""u8))
        {
            return false;
        }

        var rest = line[8..];
        EnsureScratch(rest.Length);
        var end = JsonStringUnescaper.ReadString(rest, _scratch, out var log, out var replaced);
        if (end < 0)
        {
            return false;
        }

        rest = rest[(end + 1)..];
        if (!rest.StartsWith(",\"stream\":\""u8))
        {
            return false;
        }

        rest = rest[11..];
        LogStream stream;
        if (rest.StartsWith("stdout\""u8))
        {
            stream = LogStream.Stdout;
        }
        else if (rest.StartsWith("stderr\""u8))
        {
            stream = LogStream.Stderr;
        }
        else
        {
            return false;
        }

        rest = rest[7..];
        if (!rest.StartsWith(",\"time\":\""u8))
        {
            return false;
        }

        rest = rest[9..];
        var timeEnd = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (timeEnd < 0 || rest[timeEnd] != '"' || !rest[(timeEnd + 1)..].SequenceEqual("}"u8))
        {
            return false;
        }

        var hasTime = Rfc3339.TryParseUnixNanos(rest[..timeEnd], out var time);
        result = new DockerJsonLine(log, stream, hasTime, time, replaced);
        return true;
    }

    private bool TryParseAnyShape(ReadOnlySpan<byte> line, out DockerJsonLine result)
    {
        result = default;
        ReadOnlySpan<byte> rawLog = default;
        ReadOnlySpan<byte> rawTime = default;
        bool hasLog = false, logEscaped = false, hasTime = false;
        var stream = LogStream.Stdout;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("log"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    rawLog = reader.ValueSpan;
                    logEscaped = reader.ValueIsEscaped;
                    hasLog = true;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("stderr"u8) ? LogStream.Stderr : LogStream.Stdout;
                }
                else if (reader.ValueTextEquals("time"u8))
                {
                    reader.Read();
                    hasTime = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
                    rawTime = hasTime ? reader.ValueSpan : default;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything after the object (other than whitespace) makes Read throw.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (!hasLog)
        {
            return false;
        }

        var replaced = false;
        var log = rawLog;
        if (logEscaped && !TryUnescape(rawLog, out log, out replaced))
        {
            return false;
        }

        var time = 0L;
        hasTime = hasTime && Rfc3339.TryParseUnixNanos(rawTime, out time);
        result = new DockerJsonLine(log, stream, hasTime, time, replaced);
        return true;
    }

    private bool TryUnescape(ReadOnlySpan<byte> escaped, out ReadOnlySpan<byte> unescaped, out bool replaced)
    {
        EnsureScratch(escaped.Length);
        var ok = JsonStringUnescaper.TryUnescape(escaped, _scratch, out var written, out replaced);
        unescaped = _scratch.AsSpan(0, written);
        return ok;
    }

    private void EnsureScratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }
    }
}
