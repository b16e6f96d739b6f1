using System.Text;

namespace Pipeline.Tests.Support;

/// <summary>
/// Elasticsearch's <c>asciifolding</c> token filter (Lucene's <c>ASCIIFoldingFilter</c>) for the
/// Latin letters log lines carry: Latin-1 Supplement and Latin Extended-A folded as Lucene folds
/// them (<c>é</c>→<c>e</c>, <c>ß</c>→<c>ss</c>, <c>æ</c>→<c>ae</c>, <c>ø</c>→<c>o</c>,
/// <c>ĸ</c>→<c>q</c>…), the common letters of Latin Extended-B (Romanian, Vietnamese, pinyin),
/// the Latin ligatures and the fullwidth ASCII forms. Lucene folds many more symbols (enclosed
/// and superscript digits, punctuation variants); those pass through here unchanged.
/// </summary>
internal static class ElasticsearchStandInAsciiFolding
{
    // U+00C0..U+017F, one entry per code point, "" where Lucene leaves the character as it is.
    private static readonly string[] Latin =
    [
        // U+00C0
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
        // U+00D0
        "D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH", "ss",
        // U+00E0
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        // U+00F0
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
        // U+0100
        "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
        // U+0110
        "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
        // U+0120
        "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
        // U+0130
        "I", "i", "IJ", "ij", "J", "j", "K", "k", "q", "L", "l", "L", "l", "L", "l", "L",
        // U+0140
        "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "N", "n", "O", "o", "O", "o",
        // U+0150
        "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
        // U+0160
        "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
        // U+0170
        "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
    ];

    private static readonly Dictionary<int, string> Other = new()
    {
        [0x0180] = "b", [0x0181] = "B", [0x0187] = "C", [0x0188] = "c", [0x0189] = "D", [0x018A] = "D", [0x0191] = "F", [0x0192] = "f",
        [0x0193] = "G", [0x0197] = "I", [0x0198] = "K", [0x0199] = "k", [0x019A] = "l", [0x019D] = "N", [0x019E] = "n",
        [0x01A0] = "O", [0x01A1] = "o", [0x01A4] = "P", [0x01A5] = "p", [0x01AB] = "t", [0x01AC] = "T", [0x01AD] = "t", [0x01AE] = "T",
        [0x01AF] = "U", [0x01B0] = "u", [0x01B2] = "V", [0x01B3] = "Y", [0x01B4] = "y", [0x01B5] = "Z", [0x01B6] = "z",
        [0x01C4] = "DZ", [0x01C5] = "Dz", [0x01C6] = "dz", [0x01C7] = "LJ", [0x01C8] = "Lj", [0x01C9] = "lj", [0x01CA] = "NJ", [0x01CB] = "Nj", [0x01CC] = "nj",
        [0x01CD] = "A", [0x01CE] = "a", [0x01CF] = "I", [0x01D0] = "i", [0x01D1] = "O", [0x01D2] = "o", [0x01D3] = "U", [0x01D4] = "u",
        [0x01D5] = "U", [0x01D6] = "u", [0x01D7] = "U", [0x01D8] = "u", [0x01D9] = "U", [0x01DA] = "u", [0x01DB] = "U", [0x01DC] = "u",
        [0x01DE] = "A", [0x01DF] = "a", [0x01E0] = "A", [0x01E1] = "a", [0x01E2] = "AE", [0x01E3] = "ae", [0x01E4] = "G", [0x01E5] = "g",
        [0x01E6] = "G", [0x01E7] = "g", [0x01E8] = "K", [0x01E9] = "k", [0x01EA] = "O", [0x01EB] = "o", [0x01EC] = "O", [0x01ED] = "o",
        [0x01F0] = "j", [0x01F1] = "DZ", [0x01F2] = "Dz", [0x01F3] = "dz", [0x01F4] = "G", [0x01F5] = "g", [0x01F8] = "N", [0x01F9] = "n",
        [0x01FA] = "A", [0x01FB] = "a", [0x01FC] = "AE", [0x01FD] = "ae", [0x01FE] = "O", [0x01FF] = "o",
        [0x0200] = "A", [0x0201] = "a", [0x0202] = "A", [0x0203] = "a", [0x0204] = "E", [0x0205] = "e", [0x0206] = "E", [0x0207] = "e",
        [0x0208] = "I", [0x0209] = "i", [0x020A] = "I", [0x020B] = "i", [0x020C] = "O", [0x020D] = "o", [0x020E] = "O", [0x020F] = "o",
        [0x0210] = "R", [0x0211] = "r", [0x0212] = "R", [0x0213] = "r", [0x0214] = "U", [0x0215] = "u", [0x0216] = "U", [0x0217] = "u",
        [0x0218] = "S", [0x0219] = "s", [0x021A] = "T", [0x021B] = "t", [0x021E] = "H", [0x021F] = "h", [0x0226] = "A", [0x0227] = "a",
        [0x0228] = "E", [0x0229] = "e", [0x022E] = "O", [0x022F] = "o", [0x0232] = "Y", [0x0233] = "y",
        [0x1E9E] = "SS", [0xFB00] = "ff", [0xFB01] = "fi", [0xFB02] = "fl", [0xFB03] = "ffi", [0xFB04] = "ffl", [0xFB05] = "st", [0xFB06] = "st",
    };

    // Vietnamese letters of Latin Extended Additional, by base letter (the tone marks fold away).
    private static readonly (int From, int To, string Letter)[] Vietnamese =
    [
        (0x1EA0, 0x1EB7, "Aa"), (0x1EB8, 0x1EC7, "Ee"), (0x1EC8, 0x1ECB, "Ii"), (0x1ECC, 0x1EE3, "Oo"), (0x1EE4, 0x1EF1, "Uu"), (0x1EF2, 0x1EF9, "Yy"),
    ];

    public static string Fold(string term)
    {
        StringBuilder? folded = null;
        var index = 0;
        foreach (var rune in term.EnumerateRunes())
        {
            var replacement = Replacement(rune.Value);
            if (replacement is not null && folded is null)
            {
                folded = new StringBuilder(term.Length + 4).Append(term, 0, index);
            }

            if (folded is not null)
            {
                if (replacement is not null)
                {
                    folded.Append(replacement);
                }
                else
                {
                    folded.Append(rune.ToString());
                }
            }

            index += rune.Utf16SequenceLength;
        }

        return folded?.ToString() ?? term;
    }

    private static string? Replacement(int v)
    {
        if (v < 0x80)
        {
            return null;
        }

        if (v is >= 0xC0 and <= 0x17F)
        {
            var entry = Latin[v - 0xC0];
            return entry.Length == 0 ? null : entry;
        }

        if (v is >= 0xFF01 and <= 0xFF5E)
        {
            return ((char)(v - 0xFEE0)).ToString();
        }

        foreach (var (from, to, letter) in Vietnamese)
        {
            if (v >= from && v <= to)
            {
                // Upper case at even code points, lower case at odd ones.
                return letter[(v - from) % 2].ToString();
            }
        }

        return Other.TryGetValue(v, out var other) ? other : null;
    }
}
