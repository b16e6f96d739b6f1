using System.Text;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Unescapes JSON string bodies to UTF-8. Lenient where
/// <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/> throws, so no record
/// is lost: raw bytes are copied as they are (invalid UTF-8 is repaired later) and an
/// unpaired surrogate escape becomes U+FFFD. The output is never longer than the input.
/// </summary>
internal static class JsonStringUnescaper
{
    private const int ScalarLookAhead = 16;

    /// <summary>
    /// Finds the end of the string body starting at <paramref name="text"/> (just after its opening
    /// quote) and unescapes it in the same pass. <paramref name="value"/> is a slice of
    /// <paramref name="text"/> when nothing was escaped, else of <paramref name="scratch"/>, which
    /// must be at least as long as <paramref name="text"/>.
    /// </summary>
    /// <returns>Index of the closing quote in <paramref name="text"/>, or -1 when the string is unterminated or has a malformed escape.</returns>
    public static int ReadString(ReadOnlySpan<byte> text, Span<byte> scratch, out ReadOnlySpan<byte> value, out bool replaced)
    {
        value = default;
        replaced = false;
        var position = text.IndexOfAny((byte)'"', (byte)'\\');
        if (position < 0)
        {
            return -1;
        }

        if (text[position] == '"')
        {
            value = text[..position];
            return position;
        }

        text[..position].CopyTo(scratch);
        var written = position;
        while (true)
        {
            var consumed = DecodeEscape(text[position..], scratch, ref written, ref replaced);
            if (consumed == 0)
            {
                return -1;
            }

            position += consumed;
            var run = IndexOfQuoteOrBackslash(text[position..]);
            if (run < 0)
            {
                return -1;
            }

            text.Slice(position, run).CopyTo(scratch[written..]);
            written += run;
            position += run;
            if (text[position] == '"')
            {
                value = scratch[..written];
                return position;
            }
        }
    }

    /// <summary>
    /// Escapes come in clusters in JSON payloads (<c>\"level\":\"info\"</c>): the runs between them
    /// are short, and a scalar look at the first bytes beats starting a vector search for each.
    /// </summary>
    private static int IndexOfQuoteOrBackslash(ReadOnlySpan<byte> text)
    {
        var limit = Math.Min(ScalarLookAhead, text.Length);
        for (var i = 0; i < limit; i++)
        {
            if (text[i] is (byte)'"' or (byte)'\\')
            {
                return i;
            }
        }

        var found = text[limit..].IndexOfAny((byte)'"', (byte)'\\');
        return found < 0 ? -1 : found + limit;
    }

    /// <summary>Unescapes a string body already delimited (a <see cref="System.Text.Json.Utf8JsonReader.ValueSpan"/>).</summary>
    /// <returns>False on a malformed escape (unknown letter, bad hex, backslash at the end).</returns>
    public static bool TryUnescape(ReadOnlySpan<byte> source, Span<byte> destination, out int written, out bool replaced)
    {
        written = 0;
        replaced = false;
        while (true)
        {
            var backslash = source.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                source.CopyTo(destination[written..]);
                written += source.Length;
                return true;
            }

            source[..backslash].CopyTo(destination[written..]);
            written += backslash;
            var consumed = DecodeEscape(source[backslash..], destination, ref written, ref replaced);
            if (consumed == 0)
            {
                return false;
            }

            source = source[(backslash + consumed)..];
        }
    }

    /// <summary>Decodes the escape at the start of <paramref name="escape"/> (its backslash) into <paramref name="destination"/>.</summary>
    /// <returns>Bytes of input consumed, or 0 when the escape is malformed.</returns>
    private static int DecodeEscape(ReadOnlySpan<byte> escape, Span<byte> destination, ref int written, ref bool replaced)
    {
        if (escape.Length < 2)
        {
            return 0;
        }

        byte simple;
        switch (escape[1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/':
                simple = escape[1];
                break;
            case (byte)'n':
                simple = (byte)'\n';
                break;
            case (byte)'t':
                simple = (byte)'\t';
                break;
            case (byte)'r':
                simple = (byte)'\r';
                break;
            case (byte)'b':
                simple = (byte)'\b';
                break;
            case (byte)'f':
                simple = (byte)'\f';
                break;
            case (byte)'u':
                return DecodeUnicodeEscape(escape, destination, ref written, ref replaced);
            default:
                return 0;
        }

        destination[written++] = simple;
        return 2;
    }

    private static int DecodeUnicodeEscape(ReadOnlySpan<byte> escape, Span<byte> destination, ref int written, ref bool replaced)
    {
        if (!TryHex4(escape[2..], out var unit))
        {
            return 0;
        }

        var consumed = 6;
        Rune rune;
        if (char.IsHighSurrogate((char)unit)
            && escape.Length >= 12 && escape[6] == '\\' && escape[7] == 'u'
            && TryHex4(escape[8..], out var low) && char.IsLowSurrogate((char)low))
        {
            rune = new Rune((char)unit, (char)low);
            consumed = 12;
        }
        else if (char.IsSurrogate((char)unit))
        {
            rune = Rune.ReplacementChar;
            replaced = true;
        }
        else
        {
            rune = new Rune(unit);
        }

        written += rune.EncodeToUtf8(destination[written..]);
        return consumed;
    }

    private static bool TryHex4(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length < 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var b = text[i];
            int digit;
            if ((uint)(b - '0') <= 9)
            {
                digit = b - '0';
            }
            else if ((uint)((b | 0x20) - 'a') <= 5)
            {
                digit = (b | 0x20) - 'a' + 10;
            }
            else
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
