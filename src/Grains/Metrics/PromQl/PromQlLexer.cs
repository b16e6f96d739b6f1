using System.Globalization;
using System.Text;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// Splits a PromQL query into tokens the way Prometheus's lexer does: numbers (decimal, hex, Inf,
/// NaN), durations (<c>1h30m</c>, <c>500ms</c>), strings in all three quote kinds with Go's escapes,
/// operators and identifiers; <c>#</c> starts a comment that runs to the end of the line.
/// </summary>
internal static class PromQlLexer
{
    public static List<PromQlToken> Tokenize(string query)
    {
        var tokens = new List<PromQlToken>();
        var i = 0;

        // Inside [ ] a colon separates a subquery's range from its step; elsewhere it is part of a metric name.
        var inBrackets = false;
        while (true)
        {
            while (i < query.Length && (char.IsWhiteSpace(query[i]) || query[i] == '#'))
            {
                if (query[i] == '#')
                {
                    while (i < query.Length && query[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }

            if (i >= query.Length)
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.Eof, i, string.Empty));
                return tokens;
            }

            var c = query[i];
            var start = i;
            if (c == ':' && inBrackets)
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.Colon, i++, ":"));
                continue;
            }

            inBrackets = c == '[' || (inBrackets && c != ']');
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < query.Length && char.IsAsciiDigit(query[i + 1])))
            {
                tokens.Add(LexNumberOrDuration(query, ref i));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_' || c == ':')
            {
                while (i < query.Length && (char.IsAsciiLetterOrDigit(query[i]) || query[i] == '_' || query[i] == ':'))
                {
                    i++;
                }

                var word = query[start..i];
                if (word.Equals("inf", StringComparison.OrdinalIgnoreCase))
                {
                    tokens.Add(new PromQlToken(PromQlTokenKind.Number, start, word, double.PositiveInfinity));
                }
                else if (word.Equals("nan", StringComparison.OrdinalIgnoreCase))
                {
                    tokens.Add(new PromQlToken(PromQlTokenKind.Number, start, word, double.NaN));
                }
                else
                {
                    tokens.Add(new PromQlToken(PromQlTokenKind.Identifier, start, word));
                }

                continue;
            }

            if (c is '"' or '\'' or '`')
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.String, start, LexString(query, ref i)));
                continue;
            }

            var next = i + 1 < query.Length ? query[i + 1] : '\0';
            (PromQlTokenKind kind, int length) = c switch
            {
                '(' => (PromQlTokenKind.LeftParen, 1),
                ')' => (PromQlTokenKind.RightParen, 1),
                '{' => (PromQlTokenKind.LeftBrace, 1),
                '}' => (PromQlTokenKind.RightBrace, 1),
                '[' => (PromQlTokenKind.LeftBracket, 1),
                ']' => (PromQlTokenKind.RightBracket, 1),
                ',' => (PromQlTokenKind.Comma, 1),
                '=' when next == '=' => (PromQlTokenKind.Equal, 2),
                '=' when next == '~' => (PromQlTokenKind.RegexMatch, 2),
                '=' => (PromQlTokenKind.Assign, 1),
                '!' when next == '=' => (PromQlTokenKind.NotEqual, 2),
                '!' when next == '~' => (PromQlTokenKind.RegexNotMatch, 2),
                '<' when next == '=' => (PromQlTokenKind.LessOrEqual, 2),
                '<' => (PromQlTokenKind.Less, 1),
                '>' when next == '=' => (PromQlTokenKind.GreaterOrEqual, 2),
                '>' => (PromQlTokenKind.Greater, 1),
                '+' => (PromQlTokenKind.Add, 1),
                '-' => (PromQlTokenKind.Sub, 1),
                '*' => (PromQlTokenKind.Mul, 1),
                '/' => (PromQlTokenKind.Div, 1),
                '%' => (PromQlTokenKind.Mod, 1),
                '^' => (PromQlTokenKind.Pow, 1),
                '@' => (PromQlTokenKind.At, 1),
                _ => throw PromQlException.Parse(query, i, $"unexpected character: '{c}'"),
            };
            i += length;
            tokens.Add(new PromQlToken(kind, start, query[start..i]));
        }
    }

    private static PromQlToken LexNumberOrDuration(string query, ref int i)
    {
        var start = i;
        if (query[i] == '0' && i + 1 < query.Length && (query[i + 1] == 'x' || query[i + 1] == 'X'))
        {
            i += 2;
            while (i < query.Length && char.IsAsciiHexDigit(query[i]))
            {
                i++;
            }

            var hex = query[start..i];
            if (hex.Length == 2 || !ulong.TryParse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h))
            {
                throw PromQlException.Parse(query, start, $"bad number or duration syntax: \"{hex}\"");
            }

            RejectTrailingWord(query, start, i);
            return new PromQlToken(PromQlTokenKind.Number, start, hex, h);
        }

        while (i < query.Length && char.IsAsciiDigit(query[i]))
        {
            i++;
        }

        // A duration is digit runs each followed by a unit: 1h30m, 500ms, 2d.
        if (i < query.Length && i > start && IsDurationUnitStart(query[i]))
        {
            while (i < query.Length && char.IsAsciiDigit(query[i]) || (i < query.Length && IsDurationUnitStart(query[i])))
            {
                i++;
            }

            var text = query[start..i];
            RejectTrailingWord(query, start, i);
            if (!PrometheusDuration.TryParse(text, out var duration, out _))
            {
                throw PromQlException.Parse(query, start, $"bad duration syntax: \"{text}\"");
            }

            return new PromQlToken(PromQlTokenKind.Duration, start, text, DurationMs: (long)duration.TotalMilliseconds);
        }

        if (i < query.Length && query[i] == '.')
        {
            i++;
            while (i < query.Length && char.IsAsciiDigit(query[i]))
            {
                i++;
            }
        }

        if (i < query.Length && (query[i] == 'e' || query[i] == 'E'))
        {
            var save = i;
            i++;
            if (i < query.Length && (query[i] == '+' || query[i] == '-'))
            {
                i++;
            }

            if (i < query.Length && char.IsAsciiDigit(query[i]))
            {
                while (i < query.Length && char.IsAsciiDigit(query[i]))
                {
                    i++;
                }
            }
            else
            {
                i = save;
            }
        }

        var number = query[start..i];
        RejectTrailingWord(query, start, i);
        return new PromQlToken(PromQlTokenKind.Number, start, number, double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static bool IsDurationUnitStart(char c) => c is 's' or 'm' or 'h' or 'd' or 'w' or 'y';

    private static void RejectTrailingWord(string query, int start, int end)
    {
        if (end < query.Length && (char.IsAsciiLetterOrDigit(query[end]) || query[end] == '_' || query[end] == '.'))
        {
            var stop = end;
            while (stop < query.Length && (char.IsAsciiLetterOrDigit(query[stop]) || query[stop] == '_' || query[stop] == '.'))
            {
                stop++;
            }

            throw PromQlException.Parse(query, start, $"bad number or duration syntax: \"{query[start..stop]}\"");
        }
    }

    private static string LexString(string query, ref int i)
    {
        var start = i;
        var quote = query[i++];
        var text = new StringBuilder();
        while (true)
        {
            if (i >= query.Length || (quote != '`' && query[i] == '\n'))
            {
                throw PromQlException.Parse(query, start, "unterminated quoted string");
            }

            var c = query[i++];
            if (c == quote)
            {
                return text.ToString();
            }

            if (c != '\\' || quote == '`')
            {
                text.Append(c);
                continue;
            }

            if (i >= query.Length)
            {
                throw PromQlException.Parse(query, start, "unterminated quoted string");
            }

            var e = query[i++];
            switch (e)
            {
                case 'a': text.Append('\a'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'v': text.Append('\v'); break;
                case '\\': text.Append('\\'); break;
                case '"' or '\'' when e == quote: text.Append(e); break;
                case 'x': text.Append((char)ReadHex(query, ref i, 2, start)); break;
                case 'u': text.Append(char.ConvertFromUtf32(ReadHex(query, ref i, 4, start))); break;
                case 'U': text.Append(char.ConvertFromUtf32(ReadHex(query, ref i, 8, start))); break;
                case >= '0' and <= '7':
                    if (i + 1 >= query.Length || query[i] is < '0' or > '7' || query[i + 1] is < '0' or > '7')
                    {
                        throw PromQlException.Parse(query, i - 2, "invalid octal escape in quoted string");
                    }

                    text.Append((char)(((e - '0') * 64) + ((query[i] - '0') * 8) + (query[i + 1] - '0')));
                    i += 2;
                    break;
                default:
                    throw PromQlException.Parse(query, i - 2, $"unknown escape sequence '\\{e}'");
            }
        }
    }

    private static int ReadHex(string query, ref int i, int digits, int start)
    {
        if (i + digits > query.Length || !int.TryParse(query.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 0x10FFFF)
        {
            throw PromQlException.Parse(query, start, "invalid escape sequence in quoted string");
        }

        i += digits;
        return value;
    }
}
