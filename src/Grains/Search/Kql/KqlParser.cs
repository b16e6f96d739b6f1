using System.Text;

namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// Recursive-descent parser for the KQL subset users type into Kibana:
/// <code>
/// query     := orQuery? end                      (empty or "*" matches everything)
/// orQuery   := andQuery ("or" andQuery)*
/// andQuery  := notQuery ("and" notQuery)*
/// notQuery  := "not" notQuery | "(" orQuery ")" | field ":" values | field rangeOp value | value
/// values    := "(" valueOr ")" | value            (value groups: field:(a or not b), precedence as above)
/// value     := quoted | word+                    (adjacent words make one value: "quick brown")
/// </code>
/// Differences from Kibana, on purpose: words followed by a field (<c>error pod:web</c>) are an
/// error asking for <c>and</c>/<c>or</c> where Kibana would read a field named "error pod";
/// nested field queries (<c>{ }</c>) and wildcards in field names are rejected.
/// </summary>
public sealed class KqlParser
{
    /// <summary>Deepest nesting of parentheses and <c>not</c> accepted; deeper queries are rejected, not overflowed.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>The field that holds the record time; its values are checked to be dates.</summary>
    public const string TimestampField = "@timestamp";

    private readonly string _query;
    private readonly List<KqlToken> _tokens;
    private int _index;
    private int _depth;

    private KqlParser(string query)
    {
        _query = query;
        _tokens = KqlTokenizer.Tokenize(query);
    }

    private KqlToken Current => _tokens[_index];

    /// <summary>Parses <paramref name="query"/>; throws <see cref="KqlSyntaxException"/> when it is not valid KQL.</summary>
    public static KqlNode Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parser = new KqlParser(query);
        return parser.ParseQuery();
    }

    private KqlNode ParseQuery()
    {
        if (Current.Kind == KqlTokenKind.End)
        {
            return KqlMatchAll.Instance;
        }

        var node = ParseOr(null);
        if (Current.Kind != KqlTokenKind.End)
        {
            throw ExpectedContinuation();
        }

        return node;
    }

    private KqlNode ParseOr(KqlToken? opener)
    {
        var first = ParseAnd(opener);
        if (Current.Kind != KqlTokenKind.Or)
        {
            return first;
        }

        var operands = new List<KqlNode> { first };
        while (Current.Kind == KqlTokenKind.Or)
        {
            var op = Next();
            operands.Add(ParseAnd(op));
        }

        return new KqlOr(operands);
    }

    private KqlNode ParseAnd(KqlToken? opener)
    {
        var first = ParseNot(opener);
        if (Current.Kind != KqlTokenKind.And)
        {
            return first;
        }

        var operands = new List<KqlNode> { first };
        while (Current.Kind == KqlTokenKind.And)
        {
            var op = Next();
            operands.Add(ParseNot(op));
        }

        return new KqlAnd(operands);
    }

    private KqlNode ParseNot(KqlToken? opener)
    {
        var token = Current;
        switch (token.Kind)
        {
            case KqlTokenKind.Not:
                Next();
                Enter(token);
                var operand = ParseNot(token);
                _depth--;
                return new KqlNot(operand);
            case KqlTokenKind.LeftParen:
                Next();
                Enter(token);
                if (Current.Kind == KqlTokenKind.RightParen)
                {
                    throw Expected("a query", token);
                }

                var inner = ParseOr(token);
                ExpectClosing(token);
                _depth--;
                return inner;
            case KqlTokenKind.Word or KqlTokenKind.Quoted:
                return _tokens[_index + 1].Kind is KqlTokenKind.Colon or KqlTokenKind.Range
                    ? ParseField()
                    : ParseFreeText();
            case KqlTokenKind.Colon or KqlTokenKind.Range:
                throw new KqlSyntaxException(
                    $"Expected a field name before {token.Describe(_query)} at position {token.Position}",
                    token.Position);
            default:
                throw Expected("a query", opener);
        }
    }

    private KqlNode ParseFreeText()
    {
        var (value, isPhrase, hasWildcard) = ReadValue(null);
        if (!isPhrase && hasWildcard && KqlWildcardPattern.IsMatchAnything(value))
        {
            return KqlMatchAll.Instance;
        }

        return new KqlFreeText(value, isPhrase, hasWildcard);
    }

    private KqlNode ParseField()
    {
        var fieldToken = Next();
        if (fieldToken.HasWildcard)
        {
            throw new KqlSyntaxException(
                $"Wildcards in field names are not supported at position {fieldToken.Position}; name the field in full",
                fieldToken.Position);
        }

        if (fieldToken.Text.Length == 0)
        {
            throw new KqlSyntaxException($"Expected a field name at position {fieldToken.Position}", fieldToken.Position);
        }

        var field = fieldToken.Text;
        var op = Next();
        if (op.Kind == KqlTokenKind.Range)
        {
            return ParseRange(field, op);
        }

        if (Current.Kind != KqlTokenKind.LeftParen)
        {
            return ParseFieldValue(field, op);
        }

        var open = Next();
        Enter(open);
        if (Current.Kind == KqlTokenKind.RightParen)
        {
            throw Expected("a value", open);
        }

        var node = ParseValueOr(field, open);
        ExpectClosing(open);
        _depth--;
        return node;
    }

    private KqlRange ParseRange(string field, KqlToken op)
    {
        var token = Current;
        if (token.Kind is not (KqlTokenKind.Word or KqlTokenKind.Quoted))
        {
            throw Expected("a value", op);
        }

        if (token.HasWildcard)
        {
            throw new KqlSyntaxException(
                $"Wildcards are not allowed in a range value at position {token.Position}; write '\\*' for a literal '*'",
                token.Position);
        }

        Next();
        if (field == TimestampField)
        {
            CheckTimestamp(token.Text, token);
        }

        return new KqlRange(field, op.Operator, token.Text);
    }

    private KqlNode ParseValueOr(string field, KqlToken opener)
    {
        var first = ParseValueAnd(field, opener);
        if (Current.Kind != KqlTokenKind.Or)
        {
            return first;
        }

        var operands = new List<KqlNode> { first };
        while (Current.Kind == KqlTokenKind.Or)
        {
            var op = Next();
            operands.Add(ParseValueAnd(field, op));
        }

        return new KqlOr(operands);
    }

    private KqlNode ParseValueAnd(string field, KqlToken opener)
    {
        var first = ParseValueNot(field, opener);
        if (Current.Kind != KqlTokenKind.And)
        {
            return first;
        }

        var operands = new List<KqlNode> { first };
        while (Current.Kind == KqlTokenKind.And)
        {
            var op = Next();
            operands.Add(ParseValueNot(field, op));
        }

        return new KqlAnd(operands);
    }

    private KqlNode ParseValueNot(string field, KqlToken opener)
    {
        var token = Current;
        switch (token.Kind)
        {
            case KqlTokenKind.Not:
                Next();
                Enter(token);
                var operand = ParseValueNot(field, token);
                _depth--;
                return new KqlNot(operand);
            case KqlTokenKind.LeftParen:
                Next();
                Enter(token);
                if (Current.Kind == KqlTokenKind.RightParen)
                {
                    throw Expected("a value", token);
                }

                var inner = ParseValueOr(field, token);
                ExpectClosing(token);
                _depth--;
                return inner;
            default:
                return ParseFieldValue(field, opener);
        }
    }

    private KqlNode ParseFieldValue(string field, KqlToken opener)
    {
        var start = Current;
        var (value, isPhrase, hasWildcard) = ReadValue(opener);
        if (!isPhrase && hasWildcard && KqlWildcardPattern.IsMatchAnything(value))
        {
            return new KqlExists(field);
        }

        if (field == TimestampField)
        {
            if (hasWildcard)
            {
                throw new KqlSyntaxException(
                    $"Wildcards are not allowed in a {TimestampField} value at position {start.Position}; use a range such as '{TimestampField} >= 2026-11-25'",
                    start.Position);
            }

            CheckTimestamp(value, start);
        }

        return new KqlFieldMatch(field, value, isPhrase, hasWildcard);
    }

    /// <summary>
    /// A quoted phrase, or adjacent words joined with the whitespace between them (Kibana keeps an
    /// unquoted multi-word value whole). Words stop before a word that starts a field expression.
    /// </summary>
    private (string Value, bool IsPhrase, bool HasWildcard) ReadValue(KqlToken? opener)
    {
        var first = Current;
        if (first.Kind == KqlTokenKind.Quoted)
        {
            Next();
            return (first.Text, true, false);
        }

        if (first.Kind != KqlTokenKind.Word)
        {
            throw Expected("a value", opener);
        }

        Next();
        var hasWildcard = first.HasWildcard;
        var words = 1;
        while (Current.Kind == KqlTokenKind.Word && _tokens[_index + 1].Kind is not (KqlTokenKind.Colon or KqlTokenKind.Range))
        {
            hasWildcard |= Current.HasWildcard;
            Next();
            words++;
        }

        if (words == 1)
        {
            return (hasWildcard ? first.Pattern : first.Text, false, hasWildcard);
        }

        var builder = new StringBuilder();
        for (var i = _index - words; i < _index; i++)
        {
            var word = _tokens[i];
            if (i > _index - words)
            {
                builder.Append(_query, _tokens[i - 1].End, word.Position - _tokens[i - 1].End);
            }

            builder.Append(hasWildcard ? word.Pattern : word.Text);
        }

        return (builder.ToString(), false, hasWildcard);
    }

    private void CheckTimestamp(string value, KqlToken token)
    {
        if (!KqlTimestamp.TryParse(value, out _, out _))
        {
            // ':' ends an unquoted value, so an unquoted time is cut at its first colon.
            var hint = Current.Kind == KqlTokenKind.Colon && Current.Position == _tokens[_index - 1].End
                ? "; quote a time that contains ':', e.g. \"2026-11-25T10:00:00Z\""
                : string.Empty;
            throw new KqlSyntaxException(
                $"Expected a date for {TimestampField} at position {token.Position} (RFC3339 such as \"2026-11-25T10:00:00Z\", a date such as 2026-11-25, or epoch milliseconds){hint}",
                token.Position);
        }
    }

    private void ExpectClosing(KqlToken open)
    {
        if (Current.Kind != KqlTokenKind.RightParen)
        {
            throw new KqlSyntaxException(
                $"Expected ')' to close the '(' at position {open.Position}, found {Current.Describe(_query)} at position {Current.Position}",
                Current.Position);
        }

        Next();
    }

    private void Enter(KqlToken token)
    {
        if (++_depth > MaxNestingDepth)
        {
            throw new KqlSyntaxException(
                $"Query nests parentheses and 'not' deeper than {MaxNestingDepth} levels at position {token.Position}",
                token.Position);
        }
    }

    private KqlToken Next() => _tokens[_index++];

    private KqlSyntaxException Expected(string what, KqlToken? after)
    {
        var found = Current;
        var context = after is { } a ? $" after {a.Describe(_query)}" : string.Empty;
        return new KqlSyntaxException(
            $"Expected {what}{context} at position {found.Position}, found {found.Describe(_query)}",
            found.Position);
    }

    private KqlSyntaxException ExpectedContinuation()
    {
        var found = Current;
        if (found.Kind == KqlTokenKind.RightParen)
        {
            return new KqlSyntaxException($"Unexpected ')' at position {found.Position}: no '(' to close", found.Position);
        }

        var hint = found.Kind is KqlTokenKind.Word or KqlTokenKind.Quoted or KqlTokenKind.Not or KqlTokenKind.LeftParen
            ? "; join expressions with 'and' or 'or'"
            : string.Empty;
        return new KqlSyntaxException(
            $"Expected 'and', 'or' or end of query at position {found.Position}, found {found.Describe(_query)}{hint}",
            found.Position);
    }
}
