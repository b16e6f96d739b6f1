using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Parses <c>&lt;RFC 3339 time&gt; &lt;stdout|stderr&gt; &lt;tags&gt; &lt;message&gt;</c>. The message
/// is kept byte for byte (a trailing <c>\r</c> written by the program stays); it may be empty,
/// with or without the space before it.
/// </summary>
internal static class CriLineParser
{
    public static bool TryParse(ReadOnlySpan<byte> line, out CriLine result)
    {
        result = default;
        var space = line.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var rest = line[(space + 1)..];
        LogStream stream;
        if (rest.StartsWith("stdout "u8))
        {
            stream = LogStream.Stdout;
        }
        else if (rest.StartsWith("stderr "u8))
        {
            stream = LogStream.Stderr;
        }
        else
        {
            return false;
        }

        rest = rest[7..];
        if (rest.IsEmpty || (rest[0] != 'P' && rest[0] != 'F'))
        {
            return false;
        }

        // Tags are ':'-separated and P/F is the only one defined; later ones are skipped.
        var end = rest.IndexOf((byte)' ');
        var tags = end < 0 ? rest : rest[..end];
        if (tags.Length > 1 && tags[1] != ':')
        {
            return false;
        }

        if (!Rfc3339.TryParseUnixNanos(line[..space], out var time))
        {
            return false;
        }

        var message = end < 0 ? [] : rest[(end + 1)..];
        result = new CriLine(time, stream, rest[0] == 'P', message);
        return true;
    }
}
