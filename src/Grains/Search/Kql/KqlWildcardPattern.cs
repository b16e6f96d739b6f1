using System.Text;

namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// The wildcard pattern convention of <see cref="KqlFieldMatch.Value"/> and
/// <see cref="KqlFreeText.Value"/> when they have wildcards: <c>*</c> stands for any
/// characters, a backslash makes the next character literal.
/// </summary>
public static class KqlWildcardPattern
{
    /// <summary>Escapes literal text so it can be part of a pattern.</summary>
    public static string Escape(string literal)
    {
        if (literal.AsSpan().IndexOfAny('*', '\\') < 0)
        {
            return literal;
        }

        var builder = new StringBuilder(literal.Length + 4);
        foreach (var c in literal)
        {
            if (c is '*' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// The literal pieces between wildcards: <c>ab*c</c> gives <c>["ab", "c"]</c>, <c>*ab</c>
    /// gives <c>["", "ab"]</c>, <c>a\*b</c> gives <c>["a*b"]</c>.
    /// </summary>
    public static IReadOnlyList<string> Split(string pattern)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                current.Append(pattern[++i]);
            }
            else if (c == '*')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        segments.Add(current.ToString());
        return segments;
    }

    /// <summary>True when the pattern is nothing but wildcards (it matches any value).</summary>
    public static bool IsMatchAnything(string pattern)
    {
        foreach (var c in pattern)
        {
            if (c != '*')
            {
                return false;
            }
        }

        return pattern.Length > 0;
    }
}
