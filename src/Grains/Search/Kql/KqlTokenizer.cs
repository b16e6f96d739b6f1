using System.Text;

namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// Splits a KQL query into tokens. Special characters are whitespace and <c>( ) : &lt; &gt; " { }</c>;
/// a backslash in an unquoted word makes the next character literal (<c>\t</c>, <c>\r</c>,
/// <c>\n</c> give whitespace), inside quotes only <c>\"</c>, <c>\\</c> and the whitespace escapes
/// are escapes. <c>and</c>, <c>or</c>, <c>not</c> are keywords in any case unless escaped or quoted.
/// </summary>
internal static class KqlTokenizer
{
    public static List<KqlToken> Tokenize(string query)
    {
        var tokens = new List<KqlToken>();
        var i = 0;
        while (true)
        {
            while (i < query.Length && char.IsWhiteSpace(query[i]))
            {
                i++;
            }

            if (i >= query.Length)
            {
                tokens.Add(KqlToken.Symbol(KqlTokenKind.End, query.Length, 0));
                return tokens;
            }

            switch (query[i])
            {
                case '(':
                    tokens.Add(KqlToken.Symbol(KqlTokenKind.LeftParen, i++, 1));
                    break;
                case ')':
                    tokens.Add(KqlToken.Symbol(KqlTokenKind.RightParen, i++, 1));
                    break;
                case ':':
                    tokens.Add(KqlToken.Symbol(KqlTokenKind.Colon, i++, 1));
                    break;
                case '<' or '>':
                    tokens.Add(ReadRangeOperator(query, ref i));
                    break;
                case '"':
                    tokens.Add(ReadQuoted(query, ref i));
                    break;
                case '{' or '}':
                    throw new KqlSyntaxException(
                        $"Nested field queries ('{query[i]}') are not supported at position {i}; write '\\{query[i]}' to search for the character",
                        i);
                default:
                    tokens.Add(ReadWord(query, ref i));
                    break;
            }
        }
    }

    private static KqlToken ReadRangeOperator(string query, ref int i)
    {
        var start = i;
        var orEqual = i + 1 < query.Length && query[i + 1] == '=';
        var op = (query[i], orEqual) switch
        {
            ('>', false) => KqlRangeOperator.GreaterThan,
            ('>', true) => KqlRangeOperator.GreaterThanOrEqual,
            ('<', false) => KqlRangeOperator.LessThan,
            _ => KqlRangeOperator.LessThanOrEqual,
        };
        i += orEqual ? 2 : 1;
        return new KqlToken(KqlTokenKind.Range, start, i, string.Empty, string.Empty, false, op);
    }

    private static KqlToken ReadQuoted(string query, ref int i)
    {
        var start = i;
        var text = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= query.Length)
            {
                throw new KqlSyntaxException(
                    $"Unterminated quoted string starting at position {start}; close it with '\"' (write '\\\"' for a quote inside it)",
                    start);
            }

            var c = query[i];
            if (c == '"')
            {
                i++;
                var value = text.ToString();
                return new KqlToken(KqlTokenKind.Quoted, start, i, value, value, false, default);
            }

            if (c == '\\' && i + 1 < query.Length && query[i + 1] is '"' or '\\' or 't' or 'r' or 'n')
            {
                text.Append(Unescape(query[i + 1]));
                i += 2;
                continue;
            }

            text.Append(c);
            i++;
        }
    }

    private static KqlToken ReadWord(string query, ref int i)
    {
        var start = i;
        var text = new StringBuilder();
        var pattern = new StringBuilder();
        var hasWildcard = false;
        var hasEscape = false;
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c) || c is '(' or ')' or ':' or '<' or '>' or '"' or '{' or '}')
            {
                break;
            }

            if (c == '\\')
            {
                if (i + 1 >= query.Length)
                {
                    throw new KqlSyntaxException(
                        $"Expected a character to escape after '\\' at position {i}; write '\\\\' for a backslash",
                        i);
                }

                var literal = Unescape(query[i + 1]);
                text.Append(literal);
                if (literal is '*' or '\\')
                {
                    pattern.Append('\\');
                }

                pattern.Append(literal);
                hasEscape = true;
                i += 2;
                continue;
            }

            hasWildcard |= c == '*';
            text.Append(c);
            pattern.Append(c);
            i++;
        }

        var kind = KqlTokenKind.Word;
        if (!hasEscape && !hasWildcard)
        {
            var raw = query.AsSpan(start, i - start);
            if (raw.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                kind = KqlTokenKind.And;
            }
            else if (raw.Equals("or", StringComparison.OrdinalIgnoreCase))
            {
                kind = KqlTokenKind.Or;
            }
            else if (raw.Equals("not", StringComparison.OrdinalIgnoreCase))
            {
                kind = KqlTokenKind.Not;
            }
        }

        return new KqlToken(kind, start, i, text.ToString(), pattern.ToString(), hasWildcard, default);
    }

    private static char Unescape(char c) => c switch
    {
        't' => '\t',
        'r' => '\r',
        'n' => '\n',
        _ => c,
    };
}
