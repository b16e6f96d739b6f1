using System.Text;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Makes messages valid UTF-8: each invalid sequence becomes U+FFFD, following the Unicode
/// "maximal subpart" practice (an overlong <c>C0 80</c> gives two replacements, a cut
/// three-byte sequence at the end gives one).
/// </summary>
internal static class Utf8Repair
{
    /// <summary>U+FFFD REPLACEMENT CHARACTER in UTF-8.</summary>
    public static ReadOnlySpan<byte> ReplacementCharacter => [0xEF, 0xBF, 0xBD];

    /// <summary>The most bytes <see cref="Repair"/> can write for <paramref name="length"/> bytes of input.</summary>
    public static int MaxRepairedLength(int length) => checked(length * 3);

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, replacing invalid sequences.</summary>
    /// <returns>The bytes written.</returns>
    public static int Repair(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            var nonAscii = source.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (nonAscii < 0)
            {
                source.CopyTo(destination[written..]);
                written += source.Length;
                break;
            }

            source[..nonAscii].CopyTo(destination[written..]);
            written += nonAscii;
            source = source[nonAscii..];

            var status = Rune.DecodeFromUtf8(source, out _, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                source[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            else
            {
                ReplacementCharacter.CopyTo(destination[written..]);
                written += ReplacementCharacter.Length;
            }

            source = source[consumed..];
        }

        return written;
    }

    /// <summary>
    /// Drops a multi-byte sequence left incomplete at the end by a cut we made (the size cap, the
    /// tailer's line limit), so a cut does not count as broken input. Invalid bytes stay for <see cref="Repair"/>.
    /// </summary>
    public static ReadOnlySpan<byte> TrimCutSequence(ReadOnlySpan<byte> text)
    {
        var lookBack = Math.Min(4, text.Length);
        for (var back = 1; back <= lookBack; back++)
        {
            var b = text[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 1,
            };
            return needed > back ? text[..^back] : text;
        }

        return text;
    }
}
