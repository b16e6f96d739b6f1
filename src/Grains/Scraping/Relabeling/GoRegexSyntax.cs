using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// Turns a regular expression written for Prometheus (Go's RE2 syntax) into a .NET pattern with the
/// same meaning, and refuses what RE2 refuses (lookaround, backreferences, atomic groups).
/// </summary>
/// <remarks>
/// What changes: named groups <c>(?P&lt;n&gt;…)</c> / <c>(?&lt;n&gt;…)</c> become plain groups whose names are
/// kept aside, because .NET numbers named groups after the unnamed ones while Go numbers all groups
/// left to right (<c>$1</c> must mean the same group); <c>\d \w \s</c> become their ASCII classes
/// (Go's are ASCII, .NET's Unicode); <c>\pL</c> becomes <c>\p{L}</c>; POSIX classes
/// <c>[[:alpha:]]</c> are spelled out; <c>\Q…\E</c> is escaped; <c>\x{…}</c> becomes a character;
/// <c>$</c> becomes <c>\z</c> (Go's <c>$</c> without <c>(?m)</c> is the end of the text, .NET's also
/// matches before a final newline). Left as is: <c>\b</c> (.NET's word boundary knows Unicode letters),
/// and <c>.</c> matches one UTF-16 unit, not one code point.
/// </remarks>
internal static class GoRegexSyntax
{
    private static readonly Dictionary<string, string> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = @"\x00-\x7F",
        ["blank"] = @"\t ",
        ["cntrl"] = @"\x00-\x1F\x7F",
        ["digit"] = "0-9",
        ["graph"] = @"!-~",
        ["lower"] = "a-z",
        ["print"] = @" -~",
        ["punct"] = @"!-/:-@\[-`{-~",
        ["space"] = @"\t\n\v\f\r ",
        ["upper"] = "A-Z",
        ["word"] = "0-9A-Za-z_",
        ["xdigit"] = "0-9A-Fa-f",
    };

    /// <summary>
    /// Translates <paramref name="pattern"/>; <paramref name="groupNames"/> gets, for each capturing group in
    /// order (index 0 is the whole match), its name or null. Returns null and an error when RE2 would refuse it.
    /// </summary>
    public static string? Translate(string pattern, List<string?> groupNames, out string? error)
    {
        groupNames.Clear();
        groupNames.Add(null);
        var multiline = pattern.Contains("(?", StringComparison.Ordinal) && HasMultilineFlag(pattern);
        var result = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        var classStart = -1;
        error = null;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    error = "trailing backslash at end of expression";
                    return null;
                }

                var next = pattern[++i];
                switch (next)
                {
                    case 'd':
                        result.Append(inClass ? "0-9" : "[0-9]");
                        break;
                    case 'D':
                        result.Append(inClass ? @"\D" : "[^0-9]");
                        break;
                    case 'w':
                        result.Append(inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]");
                        break;
                    case 'W':
                        result.Append(inClass ? @"\W" : "[^0-9A-Za-z_]");
                        break;
                    case 's':
                        result.Append(inClass ? @"\t\n\f\r " : @"[\t\n\f\r ]");
                        break;
                    case 'S':
                        result.Append(inClass ? @"\S" : @"[^\t\n\f\r ]");
                        break;
                    case 'p' or 'P' when i + 1 < pattern.Length && pattern[i + 1] != '{':
                        result.Append('\\').Append(next).Append('{').Append(pattern[++i]).Append('}');
                        break;
                    case 'Q':
                        var end = pattern.IndexOf(@"\E", i + 1, StringComparison.Ordinal);
                        var literal = end < 0 ? pattern[(i + 1)..] : pattern[(i + 1)..end];
                        result.Append(inClass ? EscapeInClass(literal) : Regex.Escape(literal));
                        i = end < 0 ? pattern.Length : end + 1;
                        break;
                    case 'x' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                        var close = pattern.IndexOf('}', i + 2);
                        if (close < 0 || !int.TryParse(pattern.AsSpan(i + 2, close - i - 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) ||
                            code > 0x10FFFF)
                        {
                            error = $"invalid escape sequence '{pattern[(i - 1)..Math.Min(pattern.Length, close < 0 ? pattern.Length : close + 1)]}'";
                            return null;
                        }

                        var text = char.ConvertFromUtf32(code);
                        result.Append(inClass ? EscapeInClass(text) : Regex.Escape(text));
                        i = close;
                        break;
                    case >= '1' and <= '9':
                        error = $"invalid escape sequence '\\{next}' (backreferences are not supported)";
                        return null;
                    case 'k' or 'G' or 'Z' or 'e' or 'c' or 'u':
                        error = $"invalid escape sequence '\\{next}'";
                        return null;
                    default:
                        result.Append('\\').Append(next);
                        break;
                }

                continue;
            }

            if (inClass)
            {
                if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
                {
                    var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    var name = close < 0 ? null : pattern[(i + 2)..close];
                    if (name is not null && PosixClasses.TryGetValue(name, out var members))
                    {
                        result.Append(members);
                        i = close + 1;
                        continue;
                    }

                    if (name is not null && name.StartsWith('^'))
                    {
                        error = $"negated character class '[:{name}:]' is not supported here";
                        return null;
                    }
                }

                if (c == '[')
                {
                    // A literal '[' inside a class; .NET would read "-[" as a subtraction.
                    result.Append(@"\[");
                    continue;
                }

                if (c == ']' && i > classStart + 1 && !(i == classStart + 2 && pattern[classStart + 1] == '^'))
                {
                    inClass = false;
                }

                result.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    classStart = i;
                    result.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        result.Append('^');
                        i++;
                        classStart = i - 1;
                    }

                    // A ']' right after '[' or '[^' is a literal in RE2.
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        result.Append(@"\]");
                        i++;
                    }

                    break;
                case '$':
                    result.Append(multiline ? "$" : @"\z");
                    break;
                case '(':
                    if (!Group(pattern, ref i, result, groupNames, out error))
                    {
                        return null;
                    }

                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        if (inClass)
        {
            error = "missing closing ]";
            return null;
        }

        return result.ToString();
    }

    private static bool Group(string pattern, ref int i, StringBuilder result, List<string?> groupNames, out string? error)
    {
        error = null;
        if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
        {
            groupNames.Add(null);
            result.Append('(');
            return true;
        }

        var rest = pattern.AsSpan(i + 2);
        var nameStart = rest.StartsWith("P<") ? 2 : rest.StartsWith("<") && !rest.StartsWith("<=") && !rest.StartsWith("<!") ? 1 : -1;
        if (nameStart > 0)
        {
            var close = rest.IndexOf('>');
            var name = close < 0 ? "" : rest[nameStart..close].ToString();
            if (name.Length == 0 || !IsGroupName(name))
            {
                error = $"invalid named capture '{pattern[i..Math.Min(pattern.Length, i + 2 + (close < 0 ? rest.Length : close + 1))]}'";
                return false;
            }

            if (groupNames.Contains(name))
            {
                error = $"duplicate capture group name '{name}'";
                return false;
            }

            groupNames.Add(name);
            result.Append('(');
            i += 2 + close;
            return true;
        }

        if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!") || rest.StartsWith(">") ||
            rest.StartsWith("'") || rest.StartsWith("#") || rest.StartsWith("("))
        {
            error = $"invalid or unsupported Perl syntax '{pattern[i..Math.Min(pattern.Length, i + 4)]}' (lookaround, atomic groups and conditionals are not RE2)";
            return false;
        }

        // Flags: (?i) (?s) (?m) (?U) (?i-s:…); RE2 knows i, m, s, U.
        var j = 0;
        while (j < rest.Length && rest[j] is not (')' or ':'))
        {
            if (rest[j] is not ('i' or 'm' or 's' or 'U' or '-'))
            {
                error = $"invalid or unsupported Perl syntax '{pattern[i..Math.Min(pattern.Length, i + 3 + j)]}'";
                return false;
            }

            if (rest[j] == 'U')
            {
                error = "the ungreedy flag (?U) is not supported here; write lazy quantifiers (*?, +?) instead";
                return false;
            }

            j++;
        }

        result.Append('(');
        return true;
    }

    private static bool IsGroupName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasMultilineFlag(string pattern)
    {
        for (var i = pattern.IndexOf("(?", StringComparison.Ordinal); i >= 0; i = pattern.IndexOf("(?", i + 2, StringComparison.Ordinal))
        {
            for (var j = i + 2; j < pattern.Length && pattern[j] is 'i' or 'm' or 's' or 'U' or '-'; j++)
            {
                if (pattern[j] == 'm')
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string EscapeInClass(string text)
    {
        var result = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (c is '\\' or ']' or '[' or '^' or '-')
            {
                result.Append('\\');
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
