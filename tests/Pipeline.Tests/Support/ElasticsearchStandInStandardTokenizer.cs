using System.Globalization;
using System.Text;

namespace Pipeline.Tests.Support;

/// <summary>
/// Lucene's <c>StandardTokenizer</c> (what Elasticsearch's <c>standard</c> analyzer and tokenizer use):
/// the word boundaries of Unicode Standard Annex #29, keeping only segments that hold a letter,
/// a digit or an ideograph. So <c>java.lang.NullPointerException</c>, <c>error_code</c>,
/// <c>3.14</c>, <c>192.168.0.1</c>, <c>it's</c> and <c>a:b</c> stay one token while
/// <c>foo-bar</c> and <c>user@host</c> split, and every Han ideograph and Hiragana character is
/// its own token. A token longer than the maximum length is cut into pieces of that length, as
/// Lucene's scanner does.
/// <para>
/// Simplifications, none of which matter for log lines: the word-break classes are derived from
/// .NET's Unicode categories plus the short lists of UAX #29 punctuation below rather than from
/// the WordBreakProperty table; emoji and regional indicators make no tokens (Lucene emits
/// <c>&lt;EMOJI&gt;</c> tokens); runs of Thai, Lao, Myanmar and Khmer letters are one token each
/// (as Lucene's <c>&lt;SOUTHEAST_ASIAN&gt;</c>, but without Lucene's dictionary segmentation).
/// </para>
/// </summary>
internal static class ElasticsearchStandInStandardTokenizer
{
    public const int DefaultMaxTokenLength = 255;

    private enum WordBreak
    {
        Other,
        ALetter,
        HebrewLetter,
        Numeric,
        Katakana,
        ExtendNumLet,
        MidLetter,
        MidNum,
        MidNumLet,
        SingleQuote,
        DoubleQuote,
        Extend,
        Ideographic,
        Hiragana,
        SouthEastAsian,
    }

    public static List<ElasticsearchStandInToken> Tokenize(string text, int maxTokenLength = DefaultMaxTokenLength)
    {
        var tokens = new List<ElasticsearchStandInToken>();
        var bases = Bases(text);
        var start = 0;
        var hasWord = false;
        for (var i = 0; i < bases.Count; i++)
        {
            hasWord |= IsWordClass(bases[i].Class);
            if (i + 1 < bases.Count && !BreakBetween(bases, i))
            {
                continue;
            }

            if (hasWord)
            {
                var from = bases[start].Start;
                var to = bases[i].End;
                foreach (var piece in Pieces(text[from..to], maxTokenLength))
                {
                    tokens.Add(new ElasticsearchStandInToken(piece, tokens.Count));
                }
            }

            start = i + 1;
            hasWord = false;
        }

        return tokens;
    }

    private static bool IsWordClass(WordBreak c) =>
        c is WordBreak.ALetter or WordBreak.HebrewLetter or WordBreak.Numeric or WordBreak.Katakana
            or WordBreak.Ideographic or WordBreak.Hiragana or WordBreak.SouthEastAsian;

    private static IEnumerable<string> Pieces(string token, int maxLength)
    {
        var at = 0;
        while (token.Length - at > maxLength)
        {
            // Never cut a surrogate pair in two.
            var length = char.IsHighSurrogate(token[at + maxLength - 1]) ? maxLength - 1 : maxLength;
            yield return token.Substring(at, length);
            at += length;
        }

        yield return token[at..];
    }

    /// <summary>Rule WB4: combining marks, format characters and ZWJ belong to the character before them.</summary>
    private static List<(WordBreak Class, int Start, int End)> Bases(string text)
    {
        var bases = new List<(WordBreak Class, int Start, int End)>();
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cls = Classify(rune);
            var end = index + rune.Utf16SequenceLength;
            if (cls == WordBreak.Extend && bases.Count > 0 && bases[^1].End == index && bases[^1].Class != WordBreak.Other)
            {
                bases[^1] = (bases[^1].Class, bases[^1].Start, end);
            }
            else
            {
                bases.Add((cls == WordBreak.Extend ? WordBreak.Other : cls, index, end));
            }

            index = end;
        }

        return bases;
    }

    private static bool BreakBetween(List<(WordBreak Class, int Start, int End)> bases, int i)
    {
        WordBreak At(int k) => k >= 0 && k < bases.Count ? bases[k].Class : WordBreak.Other;
        var before = At(i - 1);
        var left = At(i);
        var right = At(i + 1);
        var after = At(i + 2);
        static bool Letter(WordBreak c) => c is WordBreak.ALetter or WordBreak.HebrewLetter;
        static bool MidNumLetQ(WordBreak c) => c is WordBreak.MidNumLet or WordBreak.SingleQuote;

        var keep =
            (Letter(left) && Letter(right)) // WB5
            || (Letter(left) && (right == WordBreak.MidLetter || MidNumLetQ(right)) && Letter(after)) // WB6
            || (Letter(before) && (left == WordBreak.MidLetter || MidNumLetQ(left)) && Letter(right)) // WB7
            || (left == WordBreak.HebrewLetter && right == WordBreak.SingleQuote) // WB7a
            || (left == WordBreak.HebrewLetter && right == WordBreak.DoubleQuote && after == WordBreak.HebrewLetter) // WB7b
            || (before == WordBreak.HebrewLetter && left == WordBreak.DoubleQuote && right == WordBreak.HebrewLetter) // WB7c
            || (left == WordBreak.Numeric && right == WordBreak.Numeric) // WB8
            || (Letter(left) && right == WordBreak.Numeric) // WB9
            || (left == WordBreak.Numeric && Letter(right)) // WB10
            || (before == WordBreak.Numeric && (left == WordBreak.MidNum || MidNumLetQ(left)) && right == WordBreak.Numeric) // WB11
            || (left == WordBreak.Numeric && (right == WordBreak.MidNum || MidNumLetQ(right)) && after == WordBreak.Numeric) // WB12
            || (left == WordBreak.Katakana && right == WordBreak.Katakana) // WB13
            || ((Letter(left) || left is WordBreak.Numeric or WordBreak.Katakana or WordBreak.ExtendNumLet) && right == WordBreak.ExtendNumLet) // WB13a
            || (left == WordBreak.ExtendNumLet && (Letter(right) || right is WordBreak.Numeric or WordBreak.Katakana)) // WB13b
            || (left == WordBreak.SouthEastAsian && right == WordBreak.SouthEastAsian);
        return !keep;
    }

    private static WordBreak Classify(Rune rune)
    {
        var v = rune.Value;
        switch (v)
        {
            case '\'':
                return WordBreak.SingleQuote;
            case '"':
                return WordBreak.DoubleQuote;
            case '.' or 0x2018 or 0x2019 or 0x2024 or 0xFE52 or 0xFF07 or 0xFF0E:
                return WordBreak.MidNumLet;
            case ':' or 0x00B7 or 0x0387 or 0x05F4 or 0x2027 or 0xFE13 or 0xFE55 or 0xFF1A:
                return WordBreak.MidLetter;
            case ',' or ';' or 0x037E or 0x0589 or 0x060C or 0x060D or 0x066C or 0x07F8 or 0x2044 or 0xFE10 or 0xFE14 or 0xFE50 or 0xFE54 or 0xFF0C or 0xFF1B:
                return WordBreak.MidNum;
            case 0x202F:
                return WordBreak.ExtendNumLet;
            case 0x200D or 0xFF9E or 0xFF9F:
                return WordBreak.Extend;
        }

        if (v is (>= 0x3031 and <= 0x3035) or 0x309B or 0x309C or (>= 0x30A0 and <= 0x30FA) or (>= 0x30FC and <= 0x30FF)
            or (>= 0x31F0 and <= 0x31FF) or (>= 0x32D0 and <= 0x32FE) or (>= 0x3300 and <= 0x3357) or (>= 0xFF66 and <= 0xFF9D))
        {
            return WordBreak.Katakana;
        }

        if (v is >= 0x3041 and <= 0x309F)
        {
            return WordBreak.Hiragana;
        }

        if (v is (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF)
            or (>= 0x3005 and <= 0x3007) or (>= 0x3021 and <= 0x3029) or (>= 0x3038 and <= 0x303B))
        {
            return WordBreak.Ideographic;
        }

        if (v is (>= 0x05D0 and <= 0x05EA) or (>= 0x05EF and <= 0x05F2) or 0xFB1D or (>= 0xFB1F and <= 0xFB28) or (>= 0xFB2A and <= 0xFB4F))
        {
            return WordBreak.HebrewLetter;
        }

        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark
            || (category == UnicodeCategory.Format && v != 0x200B))
        {
            return WordBreak.Extend;
        }

        if (v is (>= 0x0E00 and <= 0x0EFF) or (>= 0x1000 and <= 0x109F) or (>= 0x1780 and <= 0x17FF) or (>= 0x19E0 and <= 0x19FF))
        {
            return category is UnicodeCategory.DecimalDigitNumber ? WordBreak.Numeric : WordBreak.SouthEastAsian;
        }

        return category switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber => WordBreak.ALetter,
            UnicodeCategory.DecimalDigitNumber => WordBreak.Numeric,
            UnicodeCategory.ConnectorPunctuation => WordBreak.ExtendNumLet,
            _ => WordBreak.Other,
        };
    }
}
