using System.Text;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Unescapes the body of a JSON string (between the quotes) to UTF-8. Lenient where
/// <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/> throws, so no record
/// is lost: raw bytes are copied as they are (invalid UTF-8 is repaired later) and an
/// unpaired surrogate escape becomes U+FFFD. The output is never longer than the input.
/// </summary>
internal static class JsonStringUnescaper
{
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
            source = source[backslash..];
            if (source.Length < 2)
            {
                return false;
            }

            var consumed = 2;
            switch (source[1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/':
                    destination[written++] = source[1];
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    break;
                case (byte)'t':
                    destination[written++] = (byte)'\t';
                    break;
                case (byte)'r':
                    destination[written++] = (byte)'\r';
                    break;
                case (byte)'b':
                    destination[written++] = (byte)'\b';
                    break;
                case (byte)'f':
                    destination[written++] = (byte)'\f';
                    break;
                case (byte)'u':
                    if (!TryHex4(source[2..], out var unit))
                    {
                        return false;
                    }

                    consumed = 6;
                    Rune rune;
                    if (char.IsHighSurrogate((char)unit)
                        && source.Length >= 12 && source[6] == '\\' && source[7] == 'u'
                        && TryHex4(source[8..], out var low) && char.IsLowSurrogate((char)low))
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
                    break;
                default:
                    return false;
            }

            source = source[consumed..];
        }
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
