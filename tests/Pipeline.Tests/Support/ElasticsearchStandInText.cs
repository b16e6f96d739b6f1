using System.Globalization;
using System.Text;

namespace Pipeline.Tests.Support;

/// <summary>
/// Pattern matching and number parsing the Elasticsearch stand-in shares between its request
/// handling and its query evaluation. Analysis (tokenizers, filters) lives in
/// <see cref="ElasticsearchStandInAnalysis"/>.
/// </summary>
internal static class ElasticsearchStandInText
{
    /// <summary>
    /// Elasticsearch's wildcard syntax: <c>*</c> any characters, <c>?</c> one character, a
    /// backslash makes the next character literal.
    /// </summary>
    public static bool WildcardMatches(string pattern, string value, bool caseInsensitive = false)
    {
        var parts = ParsePattern(pattern);
        return Match(parts, 0, caseInsensitive ? value.ToLowerInvariant() : value, 0, caseInsensitive);
    }

    /// <summary>True when the pattern has an unescaped <c>*</c> or <c>?</c>.</summary>
    public static bool HasWildcard(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] is '*' or '?')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes query_string escapes (a backslash before any character).</summary>
    public static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }

    public static bool TryParseNumber(string? text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    private enum PartKind
    {
        Literal,
        AnyOne,
        AnyMany,
    }

    private readonly record struct Part(PartKind Kind, char Literal);

    private static List<Part> ParsePattern(string pattern)
    {
        var parts = new List<Part>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                parts.Add(new Part(PartKind.Literal, pattern[++i]));
            }
            else if (c == '*')
            {
                parts.Add(new Part(PartKind.AnyMany, default));
            }
            else if (c == '?')
            {
                parts.Add(new Part(PartKind.AnyOne, default));
            }
            else
            {
                parts.Add(new Part(PartKind.Literal, c));
            }
        }

        return parts;
    }

    private static bool Match(List<Part> parts, int p, string value, int v, bool caseInsensitive)
    {
        while (p < parts.Count)
        {
            var part = parts[p];
            switch (part.Kind)
            {
                case PartKind.AnyMany:
                    for (var skip = v; skip <= value.Length; skip++)
                    {
                        if (Match(parts, p + 1, value, skip, caseInsensitive))
                        {
                            return true;
                        }
                    }

                    return false;
                case PartKind.AnyOne:
                    if (v >= value.Length)
                    {
                        return false;
                    }

                    break;
                default:
                    var literal = caseInsensitive ? char.ToLowerInvariant(part.Literal) : part.Literal;
                    if (v >= value.Length || value[v] != literal)
                    {
                        return false;
                    }

                    break;
            }

            p++;
            v++;
        }

        return v == value.Length;
    }
}
