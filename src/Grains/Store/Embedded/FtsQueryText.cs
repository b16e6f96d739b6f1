using System.Globalization;
using System.Text;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// Builds FTS5 query text safely. Terms are cut where SQLite's unicode61 tokenizer cuts them
/// (anything that is not a letter, a number or a private-use character separates tokens), so a
/// term holds only token characters and is always written as an FTS5 string: user text can never
/// become FTS5 syntax (<c>AND</c>, <c>NEAR</c>, <c>-</c>, <c>*</c>, column filters, quotes).
/// </summary>
internal static class FtsQueryText
{
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsTokenRune(rune))
            {
                current.Append(rune.ToString());
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    public static bool EndsWithTokenCharacter(string text) =>
        text.Length > 0 && Rune.DecodeLastFromUtf16(text, out var rune, out _) == System.Buffers.OperationStatus.Done && IsTokenRune(rune);

    /// <summary>An FTS5 string: the tokens in this order, next to each other.</summary>
    public static string Phrase(IReadOnlyList<string> tokens) => $"\"{string.Join(' ', tokens)}\"";

    /// <summary>An FTS5 prefix phrase: the tokens in order, the last one a prefix.</summary>
    public static string PrefixPhrase(IReadOnlyList<string> tokens) => $"{Phrase(tokens)} *";

    private static bool IsTokenRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.PrivateUse => true,
        _ => false,
    };
}
