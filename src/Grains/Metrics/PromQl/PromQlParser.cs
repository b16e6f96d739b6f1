using System.Collections.Frozen;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// Recursive-descent parser for PromQL with Prometheus's precedence (lowest first: <c>or</c>;
/// <c>and</c> <c>unless</c>; comparisons; <c>+ -</c>; <c>* / % atan2</c>; <c>^</c>, right-associative;
/// a unary minus binds looser than <c>^</c>) and Prometheus's type checks. Errors are
/// <see cref="PromQlException"/>s of type <c>bad_data</c> with a line:column position; constructs
/// outside the subset (subqueries, <c>@</c>, some functions) are rejected by name.
/// </summary>
public sealed class PromQlParser
{
    private static readonly FrozenSet<string> Aggregations = new[]
    {
        "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly string _query;
    private readonly List<PromQlToken> _tokens;
    private int _next;

    private PromQlParser(string query)
    {
        _query = query;
        _tokens = PromQlLexer.Tokenize(query);
    }

    /// <summary>Parses and type-checks <paramref name="query"/>.</summary>
    public static PromQlExpr Parse(string query)
    {
        var parser = new PromQlParser(query);
        if (parser.Peek.Kind == PromQlTokenKind.Eof)
        {
            throw PromQlException.Parse(query, 0, "no expression found in input");
        }

        var expr = parser.ParseBinary(0);
        if (parser.Peek.Kind != PromQlTokenKind.Eof)
        {
            throw parser.Unexpected(parser.Peek, "end of input");
        }

        return expr;
    }

    private PromQlToken Peek => _tokens[_next];

    private PromQlToken PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private PromQlToken Take() => _tokens[_next++];

    private bool IsKeyword(PromQlToken token, string keyword) =>
        token.Kind == PromQlTokenKind.Identifier && token.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private PromQlToken Expect(PromQlTokenKind kind, string what)
    {
        var token = Peek;
        if (token.Kind != kind)
        {
            throw Unexpected(token, what);
        }

        return Take();
    }

    private PromQlException Unexpected(PromQlToken token, string expected)
    {
        var found = token.Kind switch
        {
            PromQlTokenKind.Eof => "end of input",
            PromQlTokenKind.String => "string",
            PromQlTokenKind.Number => $"number \"{token.Text}\"",
            PromQlTokenKind.Duration => $"duration \"{token.Text}\"",
            PromQlTokenKind.Identifier => $"identifier \"{token.Text}\"",
            _ => $"\"{token.Text}\"",
        };
        return PromQlException.Parse(_query, token.Position, $"unexpected {found}, expected {expected}");
    }

    private PromQlException Error(int position, string message) => PromQlException.Parse(_query, position, message);

    /// <summary>The binary operator at the cursor with its precedence (higher binds tighter), or null.</summary>
    private (string Op, int Precedence)? PeekBinaryOperator()
    {
        var token = Peek;
        return token.Kind switch
        {
            PromQlTokenKind.Pow => ("^", 6),
            PromQlTokenKind.Mul => ("*", 5),
            PromQlTokenKind.Div => ("/", 5),
            PromQlTokenKind.Mod => ("%", 5),
            PromQlTokenKind.Add => ("+", 4),
            PromQlTokenKind.Sub => ("-", 4),
            PromQlTokenKind.Equal => ("==", 3),
            PromQlTokenKind.NotEqual => ("!=", 3),
            PromQlTokenKind.Less => ("<", 3),
            PromQlTokenKind.Greater => (">", 3),
            PromQlTokenKind.LessOrEqual => ("<=", 3),
            PromQlTokenKind.GreaterOrEqual => (">=", 3),
            PromQlTokenKind.Identifier when IsKeyword(token, "atan2") => ("atan2", 5),
            PromQlTokenKind.Identifier when IsKeyword(token, "and") => ("and", 2),
            PromQlTokenKind.Identifier when IsKeyword(token, "unless") => ("unless", 2),
            PromQlTokenKind.Identifier when IsKeyword(token, "or") => ("or", 1),
            _ => null,
        };
    }

    private PromQlExpr ParseBinary(int minPrecedence)
    {
        var lhs = ParseUnary();
        while (PeekBinaryOperator() is var (op, precedence) && precedence >= minPrecedence)
        {
            var opToken = Take();
            var returnBool = false;
            if (IsKeyword(Peek, "bool"))
            {
                Take();
                returnBool = true;
            }

            VectorMatching? matching = null;
            var matchingPosition = Peek.Position;
            if (IsKeyword(Peek, "on") || IsKeyword(Peek, "ignoring"))
            {
                var on = IsKeyword(Take(), "on");
                var labels = ParseLabelList();
                var cardinality = VectorMatchCardinality.OneToOne;
                IReadOnlyList<string> include = [];
                if (IsKeyword(Peek, "group_left") || IsKeyword(Peek, "group_right"))
                {
                    cardinality = IsKeyword(Take(), "group_left") ? VectorMatchCardinality.ManyToOne : VectorMatchCardinality.OneToMany;
                    include = Peek.Kind == PromQlTokenKind.LeftParen ? ParseLabelList() : [];
                }

                matching = new VectorMatching(cardinality, labels, on, include);
            }
            else if (IsKeyword(Peek, "group_left") || IsKeyword(Peek, "group_right"))
            {
                throw Unexpected(Peek, "\"on\" or \"ignoring\" before a grouping modifier");
            }

            // ^ is right-associative: its right operand may hold another ^ at the same level.
            var rhs = ParseBinary(op == "^" ? precedence : precedence + 1);
            lhs = MakeBinary(opToken, op, lhs, rhs, returnBool, matching, matchingPosition);
        }

        return lhs;
    }

    private BinaryExpr MakeBinary(PromQlToken opToken, string op, PromQlExpr lhs, PromQlExpr rhs, bool returnBool, VectorMatching? matching, int matchingPosition)
    {
        var isComparison = op is "==" or "!=" or ">" or "<" or ">=" or "<=";
        var isSet = op is "and" or "or" or "unless";
        if (lhs.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector) || rhs.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
        {
            throw Error(opToken.Position, "binary expression must contain only scalar and instant vector types");
        }

        if (returnBool && !isComparison)
        {
            throw Error(opToken.Position, "bool modifier can only be used on comparison operators");
        }

        var bothVectors = lhs.Type == PromQlValueType.Vector && rhs.Type == PromQlValueType.Vector;
        if (isComparison && !returnBool && lhs.Type == PromQlValueType.Scalar && rhs.Type == PromQlValueType.Scalar)
        {
            throw Error(opToken.Position, "comparisons between scalars must use BOOL modifier");
        }

        if (isSet && !bothVectors)
        {
            throw Error(opToken.Position, $"set operator \"{op}\" not allowed in binary scalar expression");
        }

        if (matching is not null && !bothVectors)
        {
            throw Error(matchingPosition, "vector matching only allowed between instant vectors");
        }

        if (isSet && matching is { Cardinality: VectorMatchCardinality.ManyToOne or VectorMatchCardinality.OneToMany })
        {
            throw Error(matchingPosition, $"no grouping allowed for \"{op}\" operation");
        }

        if (matching is not null && matching.On)
        {
            foreach (var label in matching.Include)
            {
                if (matching.MatchingLabels.Contains(label))
                {
                    throw Error(matchingPosition, $"label \"{label}\" must not occur in ON and GROUP clause at once");
                }
            }
        }

        if (bothVectors)
        {
            matching ??= new VectorMatching(VectorMatchCardinality.OneToOne, [], false, []);
            if (isSet)
            {
                matching = new VectorMatching(VectorMatchCardinality.ManyToMany, matching.MatchingLabels, matching.On, []);
            }
        }

        return new BinaryExpr(op, lhs, rhs, returnBool, matching) { Position = lhs.Position };
    }

    private PromQlExpr ParseUnary()
    {
        var token = Peek;
        if (token.Kind is PromQlTokenKind.Sub or PromQlTokenKind.Add)
        {
            Take();

            // Binds looser than ^ and tighter than * (Prometheus gives the unary rule MUL's precedence).
            var operand = ParseBinary(6);
            if (operand.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
            {
                throw Error(token.Position, "unary expression only allowed on expressions of type scalar or instant vector");
            }

            if (token.Kind == PromQlTokenKind.Add)
            {
                return operand;
            }

            return operand is NumberLiteralExpr number
                ? new NumberLiteralExpr(-number.Value) { Position = token.Position }
                : new UnaryExpr(operand) { Position = token.Position };
        }

        return ParsePostfix(ParsePrimary());
    }

    /// <summary>Range, offset, subquery and <c>@</c> after an operand.</summary>
    private PromQlExpr ParsePostfix(PromQlExpr expr)
    {
        while (true)
        {
            var token = Peek;
            if (token.Kind == PromQlTokenKind.LeftBracket)
            {
                Take();
                var range = Expect(PromQlTokenKind.Duration, "a duration in the range");
                if (Peek.Kind == PromQlTokenKind.Colon)
                {
                    throw PromQlException.Unsupported(_query, token.Position, "subquery");
                }

                Expect(PromQlTokenKind.RightBracket, "\"]\"");
                if (expr is not VectorSelectorExpr selector)
                {
                    throw Error(token.Position, "ranges only allowed for vector selectors");
                }

                if (selector.OffsetMs != 0)
                {
                    throw Error(token.Position, "no offset modifiers allowed before range");
                }

                if (range.DurationMs <= 0)
                {
                    throw Error(range.Position, "range must be greater than zero");
                }

                expr = new MatrixSelectorExpr(selector, range.DurationMs) { Position = expr.Position };
            }
            else if (IsKeyword(token, "offset"))
            {
                Take();
                var negative = false;
                if (Peek.Kind is PromQlTokenKind.Sub or PromQlTokenKind.Add)
                {
                    negative = Take().Kind == PromQlTokenKind.Sub;
                }

                var duration = Expect(PromQlTokenKind.Duration, "a duration after offset");
                var offset = negative ? -duration.DurationMs : duration.DurationMs;
                expr = expr switch
                {
                    VectorSelectorExpr { OffsetMs: 0 } vs => vs.WithOffset(offset),
                    MatrixSelectorExpr { Selector.OffsetMs: 0 } ms => new MatrixSelectorExpr(ms.Selector.WithOffset(offset), ms.RangeMs) { Position = ms.Position },
                    VectorSelectorExpr or MatrixSelectorExpr => throw Error(token.Position, "offset may not be set multiple times"),
                    _ => throw Error(token.Position, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                };
            }
            else if (token.Kind == PromQlTokenKind.At)
            {
                throw PromQlException.Unsupported(_query, token.Position, "the @ modifier");
            }
            else
            {
                return expr;
            }
        }
    }

    private PromQlExpr ParsePrimary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case PromQlTokenKind.Number:
                Take();
                return new NumberLiteralExpr(token.Number) { Position = token.Position };
            case PromQlTokenKind.String:
                Take();
                return new StringLiteralExpr(token.Text) { Position = token.Position };
            case PromQlTokenKind.LeftParen:
            {
                Take();
                var inner = ParseBinary(0);
                Expect(PromQlTokenKind.RightParen, "\")\"");
                if (Peek.Kind == PromQlTokenKind.LeftBracket)
                {
                    // (expr)[5m] is a range on a parenthesised expression, never on a selector; (expr)[5m:1m] a subquery.
                    if (PeekAt(2).Kind == PromQlTokenKind.Colon)
                    {
                        throw PromQlException.Unsupported(_query, Peek.Position, "subquery");
                    }

                    throw Error(Peek.Position, "ranges only allowed for vector selectors");
                }

                if (IsKeyword(Peek, "offset"))
                {
                    throw Error(Peek.Position, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
                }

                return inner;
            }

            case PromQlTokenKind.LeftBrace:
                return ParseSelector(null, token.Position);
            case PromQlTokenKind.Identifier:
                break;
            case PromQlTokenKind.Duration:
                throw Error(token.Position, $"unexpected duration \"{token.Text}\"");
            default:
                throw Unexpected(token, "an expression");
        }

        var name = token.Text;
        var lower = name.ToLowerInvariant();
        if (Aggregations.Contains(lower) && (PeekAt(1).Kind == PromQlTokenKind.LeftParen || IsKeyword(PeekAt(1), "by") || IsKeyword(PeekAt(1), "without")))
        {
            return ParseAggregation(lower);
        }

        if (PeekAt(1).Kind == PromQlTokenKind.LeftParen)
        {
            return ParseFunctionCall();
        }

        if (lower is "by" or "without" or "on" or "ignoring" or "group_left" or "group_right" or "bool" or "offset" or "and" or "or" or "unless" or "atan2")
        {
            throw Unexpected(token, "an expression");
        }

        if (Aggregations.Contains(lower))
        {
            throw Error(token.Position, $"unexpected end of aggregation \"{name}\", expected \"(\"");
        }

        Take();
        return ParseSelector(name, token.Position);
    }

    private VectorSelectorExpr ParseSelector(string? name, int position)
    {
        var matchers = new List<LabelMatcher>();
        if (name is not null)
        {
            matchers.Add(new LabelMatcher(MatchType.Equal, RelabelLabels.MetricName, name));
        }

        if (Peek.Kind == PromQlTokenKind.LeftBrace)
        {
            Take();
            while (Peek.Kind != PromQlTokenKind.RightBrace)
            {
                var label = Expect(PromQlTokenKind.Identifier, "a label name");
                if (label.Text.Contains(':', StringComparison.Ordinal))
                {
                    throw Error(label.Position, $"invalid label name \"{label.Text}\"");
                }

                var op = Take();
                var type = op.Kind switch
                {
                    PromQlTokenKind.Assign => MatchType.Equal,
                    PromQlTokenKind.NotEqual => MatchType.NotEqual,
                    PromQlTokenKind.RegexMatch => MatchType.Regex,
                    PromQlTokenKind.RegexNotMatch => MatchType.NotRegex,
                    _ => throw Unexpected(op, "a label matching operator (=, !=, =~, !~)"),
                };
                var value = Expect(PromQlTokenKind.String, "a quoted label value");
                if (type is MatchType.Regex or MatchType.NotRegex && !RelabelRegex.TryCreate(value.Text, out _, out var regexError))
                {
                    throw Error(value.Position, $"invalid regular expression \"{value.Text}\": {regexError}");
                }

                if (name is not null && label.Text == RelabelLabels.MetricName)
                {
                    throw Error(label.Position, $"metric name must not be set twice: \"{name}\" or \"{value.Text}\"");
                }

                matchers.Add(new LabelMatcher(type, label.Text, value.Text));
                if (Peek.Kind == PromQlTokenKind.Comma)
                {
                    Take();
                }
                else if (Peek.Kind != PromQlTokenKind.RightBrace)
                {
                    throw Unexpected(Peek, "\",\" or \"}\"");
                }
            }

            Take();
        }

        if (matchers.Count == 0 || matchers.TrueForAll(m => m.MatchesEmpty))
        {
            throw Error(position, "vector selector must contain at least one non-empty matcher");
        }

        return new VectorSelectorExpr(name, matchers, 0) { Position = position };
    }

    private List<string> ParseLabelList()
    {
        Expect(PromQlTokenKind.LeftParen, "\"(\"");
        var labels = new List<string>();
        while (Peek.Kind != PromQlTokenKind.RightParen)
        {
            var label = Expect(PromQlTokenKind.Identifier, "a label name");
            labels.Add(label.Text);
            if (Peek.Kind == PromQlTokenKind.Comma)
            {
                Take();
            }
            else if (Peek.Kind != PromQlTokenKind.RightParen)
            {
                throw Unexpected(Peek, "\",\" or \")\"");
            }
        }

        Take();
        return labels;
    }

    private AggregateExpr ParseAggregation(string op)
    {
        var opToken = Take();
        if (op == "count_values")
        {
            throw PromQlException.Unsupported(_query, opToken.Position, "aggregation \"count_values\"");
        }

        List<string>? grouping = null;
        var without = false;
        if (IsKeyword(Peek, "by") || IsKeyword(Peek, "without"))
        {
            without = IsKeyword(Take(), "without");
            grouping = ParseLabelList();
        }

        Expect(PromQlTokenKind.LeftParen, "\"(\"");
        PromQlExpr? param = null;
        var needsParam = op is "topk" or "bottomk" or "quantile";
        if (needsParam)
        {
            param = ParseBinary(0);
            Expect(PromQlTokenKind.Comma, $"\",\" after the parameter of {op}");
            if (param.Type != PromQlValueType.Scalar)
            {
                throw Error(param.Position, $"expected type scalar in aggregation parameter, got {TypeName(param.Type)}");
            }
        }

        var exprStart = Peek;
        if (exprStart.Kind == PromQlTokenKind.RightParen)
        {
            throw Error(exprStart.Position, $"no arguments for aggregate expression provided");
        }

        var expr = ParseBinary(0);
        if (Peek.Kind == PromQlTokenKind.Comma)
        {
            throw Error(Peek.Position, needsParam ? $"too many arguments for aggregation \"{op}\"" : $"aggregation \"{op}\" takes one argument");
        }

        Expect(PromQlTokenKind.RightParen, "\")\"");
        if (expr.Type != PromQlValueType.Vector)
        {
            throw Error(expr.Position, $"expected type instant vector in aggregation expression, got {TypeName(expr.Type)}");
        }

        if (IsKeyword(Peek, "by") || IsKeyword(Peek, "without"))
        {
            if (grouping is not null)
            {
                throw Error(Peek.Position, "aggregation may have only one by or without clause");
            }

            without = IsKeyword(Take(), "without");
            grouping = ParseLabelList();
        }

        var sorted = (grouping ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AggregateExpr(op, param, expr, sorted, without) { Position = opToken.Position };
    }

    private FunctionCallExpr ParseFunctionCall()
    {
        var nameToken = Take();
        var name = nameToken.Text;
        if (!PromQlFunctions.Supported.TryGetValue(name, out var function))
        {
            throw PromQlFunctions.Unsupported.Contains(name)
                ? PromQlException.Unsupported(_query, nameToken.Position, $"function \"{name}\"")
                : Error(nameToken.Position, $"unknown function with name \"{name}\"");
        }

        Expect(PromQlTokenKind.LeftParen, "\"(\"");
        var args = new List<PromQlExpr>();
        while (Peek.Kind != PromQlTokenKind.RightParen)
        {
            args.Add(ParseBinary(0));
            if (Peek.Kind == PromQlTokenKind.Comma)
            {
                Take();
            }
            else if (Peek.Kind != PromQlTokenKind.RightParen)
            {
                throw Unexpected(Peek, "\",\" or \")\"");
            }
        }

        Take();
        var min = function.ArgTypes.Count - function.OptionalArgs;
        if (function.Variadic)
        {
            if (args.Count < min - 1)
            {
                throw Error(nameToken.Position, $"expected at least {min - 1} argument(s) in call to \"{name}\", got {args.Count}");
            }
        }
        else if (args.Count < min || args.Count > function.ArgTypes.Count)
        {
            var expected = function.OptionalArgs == 0 ? $"{min}" : $"{min} to {function.ArgTypes.Count}";
            throw Error(nameToken.Position, $"expected {expected} argument(s) in call to \"{name}\", got {args.Count}");
        }

        for (var i = 0; i < args.Count; i++)
        {
            var expected = function.ArgTypes[Math.Min(i, function.ArgTypes.Count - 1)];
            if (args[i].Type != expected)
            {
                throw Error(args[i].Position, $"expected type {TypeName(expected)} in call to function \"{name}\", got {TypeName(args[i].Type)}");
            }
        }

        return new FunctionCallExpr(function, args) { Position = nameToken.Position };
    }

    internal static string TypeName(PromQlValueType type) => type switch
    {
        PromQlValueType.Scalar => "scalar",
        PromQlValueType.Vector => "instant vector",
        PromQlValueType.Matrix => "range vector",
        _ => "string",
    };
}
