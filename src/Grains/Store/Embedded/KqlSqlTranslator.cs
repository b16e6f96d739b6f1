using System.Globalization;
using System.Text;
using Pipeline.Grains.Search.Kql;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// Turns a KQL tree into a parameterized SQL filter for the embedded store.
/// <list type="bullet">
/// <item><c>log</c>, <c>message</c> and bare terms search the FTS5 index of the message: terms
/// are case-insensitive, unquoted words match ANY of their tokens, a phrase matches its tokens in
/// order, <c>val*</c> is a prefix query. Sibling text terms under one <c>and</c>/<c>or</c> become one
/// MATCH. A wildcard elsewhere in a word, or a word without letters or digits, falls back to
/// <c>log LIKE</c> (a substring match).</item>
/// <item>Kubernetes fields, <c>stream</c> and <c>_id</c> are columns compared exactly and
/// case-sensitively, like Elasticsearch keywords; wildcards become GLOB.</item>
/// <item><c>@timestamp</c> compares Unix nanoseconds; a value names a span (a date is its day),
/// <c>field:value</c> matches the span, <c>&gt;=</c> / <c>&lt;</c> compare with its start and
/// <c>&gt;</c> / <c>&lt;=</c> with its end.</item>
/// <item><c>pipeline_flags</c> tests the flag bits by name.</item>
/// <item>Any other field is read from the <c>fields</c> JSON with <c>json_extract</c>; ranges compare
/// numbers with numbers and strings with strings.</item>
/// </list>
/// Every negation is null-safe, so <c>not kubernetes.pod_name:web</c> keeps records without a pod,
/// as Elasticsearch does.
/// </summary>
internal sealed class KqlSqlTranslator
{
    /// <summary>The SQL of a filter that keeps every row.</summary>
    public const string True = "1";

    private const string False = "0";
    private const char TrueSql = '1';
    private const char FalseSql = '0';
    private const string FtsMatch = $"{EmbeddedLogStoreSchema.RowId} IN (SELECT rowid FROM {EmbeddedLogStoreSchema.FtsTable} WHERE {EmbeddedLogStoreSchema.FtsTable} MATCH ";
    private const string FtsNotMatch = $"{EmbeddedLogStoreSchema.RowId} NOT IN (SELECT rowid FROM {EmbeddedLogStoreSchema.FtsTable} WHERE {EmbeddedLogStoreSchema.FtsTable} MATCH ";

    private static readonly Dictionary<string, string> KeywordColumns = new(StringComparer.Ordinal)
    {
        ["kubernetes.namespace_name"] = EmbeddedLogStoreSchema.Namespace,
        ["kubernetes.pod_name"] = EmbeddedLogStoreSchema.Pod,
        ["kubernetes.pod_id"] = EmbeddedLogStoreSchema.PodId,
        ["kubernetes.container_name"] = EmbeddedLogStoreSchema.Container,
        ["kubernetes.docker_id"] = EmbeddedLogStoreSchema.ContainerId,
        ["kubernetes.host"] = EmbeddedLogStoreSchema.Host,
        ["stream"] = EmbeddedLogStoreSchema.Stream,
        ["_id"] = EmbeddedLogStoreSchema.Id,
    };

    /// <summary>Maps whose keys may hold dots and are one member each (the index template maps them <c>flattened</c>).</summary>
    private static readonly string[] KeyedMaps = ["kubernetes.labels", "kubernetes.annotations"];

    /// <summary>Most parts of a dotted name whose every grouping is tried (2^(n-1) paths).</summary>
    private const int MaxGroupedParts = 6;

    private readonly StringBuilder _sql = new();
    private readonly List<KeyValuePair<string, object>> _parameters = [];
    private bool _usesFullTextIndex;

    private KqlSqlTranslator()
    {
    }

    private enum FieldKind
    {
        Message,
        Keyword,
        Timestamp,
        Flags,
        Json,
    }

    public static KqlSqlFilter Translate(KqlNode query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var translator = new KqlSqlTranslator();
        translator.Append(query);
        return new KqlSqlFilter(translator._sql.ToString(), translator._parameters, translator._usesFullTextIndex);
    }

    private void Append(KqlNode node)
    {
        switch (node)
        {
            case KqlMatchAll:
                _sql.Append(TrueSql);
                break;
            case KqlAnd and:
                AppendJunction(and.Operands, "AND");
                break;
            case KqlOr or:
                AppendJunction(or.Operands, "OR");
                break;
            case KqlNot not:
                AppendNot(not.Operand);
                break;
            case KqlFreeText text:
                AppendText(text.Value, text.IsPhrase, text.HasWildcard);
                break;
            case KqlFieldMatch match:
                AppendMatch(match);
                break;
            case KqlRange range:
                AppendRange(range);
                break;
            case KqlExists exists:
                AppendExists(exists.Field);
                break;
            default:
                throw new ArgumentException($"Unknown KQL node {node.GetType().Name}.", nameof(node));
        }
    }

    private void AppendJunction(IReadOnlyList<KqlNode> operands, string op)
    {
        var fts = new List<string>();
        var others = new List<KqlNode>();
        foreach (var operand in operands)
        {
            if (FtsOf(operand) is { } expression)
            {
                fts.Add(expression);
            }
            else
            {
                others.Add(operand);
            }
        }

        if (others.Count == 0)
        {
            AppendFts(FtsMatch, Join(fts, op));
            return;
        }

        _sql.Append('(');
        var first = true;
        if (fts.Count > 0)
        {
            AppendFts(FtsMatch, Join(fts, op));
            first = false;
        }

        foreach (var operand in others)
        {
            if (!first)
            {
                _sql.Append(' ').Append(op).Append(' ');
            }

            Append(operand);
            first = false;
        }

        _sql.Append(')');
    }

    private void AppendNot(KqlNode operand)
    {
        if (FtsOf(operand) is { } expression)
        {
            AppendFts(FtsNotMatch, expression);
            return;
        }

        // NULL (a missing column or JSON member) counts as "no match" inside, so "not" keeps the row.
        _sql.Append("NOT IFNULL(");
        Append(operand);
        _sql.Append(", 0)");
    }

    private void AppendFts(string prefix, string expression)
    {
        _usesFullTextIndex = true;
        _sql.Append(prefix).Append(Parameter(expression)).Append(')');
    }

    /// <summary>The whole subtree as one FTS5 expression, or null when part of it is not a message search FTS5 can answer.</summary>
    private static string? FtsOf(KqlNode node) => node switch
    {
        KqlFreeText text => TextFts(text.Value, text.IsPhrase, text.HasWildcard),
        KqlFieldMatch match when Classify(match.Field, out _) == FieldKind.Message => TextFts(match.Value, match.IsPhrase, match.HasWildcard),
        KqlAnd and => JunctionFts(and.Operands, "AND"),
        KqlOr or => JunctionFts(or.Operands, "OR"),
        _ => null,
    };

    private static string? JunctionFts(IReadOnlyList<KqlNode> operands, string op)
    {
        var parts = new List<string>(operands.Count);
        foreach (var operand in operands)
        {
            if (FtsOf(operand) is not { } part)
            {
                return null;
            }

            parts.Add(part);
        }

        return Join(parts, op);
    }

    private static string Join(List<string> parts, string op) =>
        parts.Count == 1 ? parts[0] : $"({string.Join($") {op} (", parts)})";

    private static string? TextFts(string value, bool isPhrase, bool hasWildcard)
    {
        if (isPhrase)
        {
            var tokens = FtsQueryText.Tokens(value);
            return tokens.Count == 0 ? null : FtsQueryText.Phrase(tokens);
        }

        var parts = new List<string>();
        foreach (var word in Words(value))
        {
            if (WordFts(word, hasWildcard) is not { } part)
            {
                return null;
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? null : Join(parts, "OR");
    }

    /// <summary>One word of an unquoted value: its tokens, any of which matches, or a prefix phrase for <c>word*</c>.</summary>
    private static string? WordFts(string word, bool isPattern)
    {
        if (!isPattern)
        {
            var tokens = FtsQueryText.Tokens(word);
            return tokens.Count switch
            {
                0 => null,
                1 => FtsQueryText.Phrase(tokens),
                _ => $"({string.Join(" OR ", tokens.Select(t => FtsQueryText.Phrase([t])))})",
            };
        }

        var segments = KqlWildcardPattern.Split(word);
        if (segments.Count == 1)
        {
            return WordFts(segments[0], false);
        }

        // Only "literal*" with the wildcard right after a token character is a prefix query.
        if (segments.Count == 2 && segments[1].Length == 0 && FtsQueryText.EndsWithTokenCharacter(segments[0]))
        {
            return FtsQueryText.PrefixPhrase(FtsQueryText.Tokens(segments[0]));
        }

        return null;
    }

    private void AppendText(string value, bool isPhrase, bool hasWildcard)
    {
        if (TextFts(value, isPhrase, hasWildcard) is { } fts)
        {
            AppendFts(FtsMatch, fts);
            return;
        }

        if (isPhrase)
        {
            // No letters or digits: a substring match, except that an empty phrase matches nothing.
            if (string.IsNullOrWhiteSpace(value))
            {
                _sql.Append(FalseSql);
            }
            else
            {
                AppendLike(EmbeddedLogStoreSchema.Log, [value]);
            }

            return;
        }

        var ftsWords = new List<string>();
        var likeWords = new List<IReadOnlyList<string>>();
        foreach (var word in Words(value))
        {
            if (WordFts(word, hasWildcard) is { } part)
            {
                ftsWords.Add(part);
            }
            else if (hasWildcard && KqlWildcardPattern.IsMatchAnything(word))
            {
                // A lone "*" among the words matches any message.
                _sql.Append(TrueSql);
                return;
            }
            else
            {
                likeWords.Add(hasWildcard ? KqlWildcardPattern.Split(word) : [word]);
            }
        }

        if (ftsWords.Count == 0 && likeWords.Count == 0)
        {
            // Only whitespace: Elasticsearch matches nothing for a value without terms.
            _sql.Append(FalseSql);
            return;
        }

        var grouped = likeWords.Count + (ftsWords.Count > 0 ? 1 : 0) > 1;
        if (grouped)
        {
            _sql.Append('(');
        }

        var first = true;
        if (ftsWords.Count > 0)
        {
            AppendFts(FtsMatch, Join(ftsWords, "OR"));
            first = false;
        }

        foreach (var segments in likeWords)
        {
            if (!first)
            {
                _sql.Append(" OR ");
            }

            AppendLike(EmbeddedLogStoreSchema.Log, segments);
            first = false;
        }

        if (grouped)
        {
            _sql.Append(')');
        }
    }

    /// <summary>A case-insensitive (ASCII) substring match of the segments in order.</summary>
    private void AppendLike(string column, IReadOnlyList<string> segments)
    {
        var pattern = new StringBuilder("%");
        foreach (var segment in segments)
        {
            foreach (var c in segment)
            {
                if (c is '%' or '_' or '\\')
                {
                    pattern.Append('\\');
                }

                pattern.Append(c);
            }

            pattern.Append('%');
        }

        _sql.Append(column).Append(" LIKE ").Append(Parameter(pattern.ToString())).Append(" ESCAPE '\\'");
    }

    private void AppendMatch(KqlFieldMatch match)
    {
        switch (Classify(match.Field, out var column))
        {
            case FieldKind.Message:
                AppendText(match.Value, match.IsPhrase, match.HasWildcard);
                break;
            case FieldKind.Keyword:
                AppendKeywordMatch(column, match);
                break;
            case FieldKind.Timestamp:
                var (start, end) = Timestamp(match.Value);
                _sql.Append('(').Append(EmbeddedLogStoreSchema.Time).Append(" >= ").Append(Parameter(start))
                    .Append(" AND ").Append(EmbeddedLogStoreSchema.Time).Append(" < ").Append(Parameter(end)).Append(')');
                break;
            case FieldKind.Flags:
                var mask = LogDocumentWriter.FlagsMatching(match.Value, match.HasWildcard);
                _sql.Append(mask == 0 ? False : $"({EmbeddedLogStoreSchema.Flags} & {Parameter((long)mask)}) != 0");
                break;
            default:
                AppendJsonMatch(match);
                break;
        }
    }

    private void AppendKeywordMatch(string column, KqlFieldMatch match)
    {
        if (match.HasWildcard)
        {
            _sql.Append(column).Append(" GLOB ").Append(Parameter(GlobPattern(match.Value)));
        }
        else
        {
            _sql.Append(column).Append(" = ").Append(Parameter(match.Value));
        }
    }

    private void AppendJsonMatch(KqlFieldMatch match)
    {
        AppendAnyPath(match.Field, pathParameter =>
        {
            var extract = $"json_extract({EmbeddedLogStoreSchema.Fields}, {pathParameter})";
            if (match.HasWildcard)
            {
                _sql.Append(extract).Append(" GLOB ").Append(Parameter(GlobPattern(match.Value)));
                return;
            }

            // A JSON number or boolean matches its text, as a numeric or boolean Elasticsearch field does.
            _sql.Append('(').Append(extract).Append(" = ").Append(Parameter(match.Value));
            if (Number(match.Value) is { } number)
            {
                _sql.Append(" OR ").Append(extract).Append(" = ").Append(Parameter(number));
            }
            else if (match.Value is "true" or "false")
            {
                _sql.Append(" OR json_type(").Append(EmbeddedLogStoreSchema.Fields).Append(", ").Append(pathParameter)
                    .Append(") = ").Append(Parameter(match.Value));
            }

            _sql.Append(')');
        });
    }

    /// <summary>
    /// Appends <paramref name="condition"/> for each JSON path the field may be stored at, joined
    /// with OR (false when it has none).
    /// </summary>
    private void AppendAnyPath(string field, Action<string> condition)
    {
        var paths = JsonPaths(field);
        if (paths.Count == 0)
        {
            _sql.Append(FalseSql);
            return;
        }

        if (paths.Count > 1)
        {
            _sql.Append('(');
        }

        for (var i = 0; i < paths.Count; i++)
        {
            if (i > 0)
            {
                _sql.Append(" OR ");
            }

            condition(Parameter(paths[i]));
        }

        if (paths.Count > 1)
        {
            _sql.Append(')');
        }
    }

    private void AppendRange(KqlRange range)
    {
        var op = KqlRange.Symbol(range.Operator);
        switch (Classify(range.Field, out var column))
        {
            case FieldKind.Message:
                _sql.Append(EmbeddedLogStoreSchema.Log).Append(' ').Append(op).Append(' ').Append(Parameter(range.Value));
                break;
            case FieldKind.Keyword:
                _sql.Append(column).Append(' ').Append(op).Append(' ').Append(Parameter(range.Value));
                break;
            case FieldKind.Timestamp:
                AppendTimestampRange(range);
                break;
            case FieldKind.Flags:
                _sql.Append(Number(range.Value) is { } flags
                    ? $"({EmbeddedLogStoreSchema.Flags} & {EmbeddedLogStoreSchema.RecordFlagsMask}) {op} {Parameter(flags)}"
                    : False);
                break;
            default:
                AppendJsonRange(range, op);
                break;
        }
    }

    private void AppendTimestampRange(KqlRange range)
    {
        var (start, end) = Timestamp(range.Value);
        var (op, bound) = range.Operator switch
        {
            KqlRangeOperator.GreaterThan => (">=", end),
            KqlRangeOperator.GreaterThanOrEqual => (">=", start),
            KqlRangeOperator.LessThan => ("<", start),
            _ => ("<", end),
        };
        _sql.Append(EmbeddedLogStoreSchema.Time).Append(' ').Append(op).Append(' ').Append(Parameter(bound));
    }

    private void AppendJsonRange(KqlRange range, string op)
    {
        // SQLite orders every number before every string; compare like with like only.
        var number = Number(range.Value);
        AppendAnyPath(range.Field, pathParameter => _sql
            .Append("(json_type(").Append(EmbeddedLogStoreSchema.Fields).Append(", ").Append(pathParameter)
            .Append(number is null ? ") = 'text'" : ") IN ('integer', 'real')")
            .Append(" AND json_extract(").Append(EmbeddedLogStoreSchema.Fields).Append(", ").Append(pathParameter)
            .Append(") ").Append(op).Append(' ').Append(number is null ? Parameter(range.Value) : Parameter(number)).Append(')'));
    }

    private void AppendExists(string field)
    {
        switch (Classify(field, out var column))
        {
            case FieldKind.Timestamp:
                _sql.Append(TrueSql);
                break;
            case FieldKind.Message:
                _sql.Append('(').Append(EmbeddedLogStoreSchema.Flags).Append(" & ").Append(EmbeddedLogStoreSchema.NoLogFlag).Append(") = 0");
                break;
            case FieldKind.Keyword:
                _sql.Append(column).Append(" IS NOT NULL");
                break;
            case FieldKind.Flags:
                _sql.Append('(').Append(EmbeddedLogStoreSchema.Flags).Append(" & ").Append(EmbeddedLogStoreSchema.RecordFlagsMask).Append(") != 0");
                break;
            default:
                AppendAnyPath(field, pathParameter => _sql.Append("json_extract(").Append(EmbeddedLogStoreSchema.Fields).Append(", ").Append(pathParameter).Append(") IS NOT NULL"));
                break;
        }
    }

    private string Parameter(object value)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"$k{_parameters.Count}");
        _parameters.Add(new(name, value));
        return name;
    }

    private static FieldKind Classify(string field, out string column)
    {
        column = string.Empty;
        switch (field)
        {
            case "log" or "message":
                return FieldKind.Message;
            case KqlParser.TimestampField:
                return FieldKind.Timestamp;
            case LogDocumentWriter.FlagsMember:
                return FieldKind.Flags;
        }

        if (KeywordColumns.TryGetValue(field, out var mapped))
        {
            column = mapped;
            return FieldKind.Keyword;
        }

        return FieldKind.Json;
    }

    /// <summary>Whitespace-separated words of an unquoted value (a pattern's escapes never precede whitespace).</summary>
    private static string[] Words(string value) =>
        value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The JSON paths a dotted field name may be stored at. As in Elasticsearch with
    /// <c>subobjects: false</c>, <c>a.b.c</c> names the leaf whether the record holds
    /// <c>{"a":{"b":{"c":…}}}</c>, <c>{"a.b":{"c":…}}</c> or <c>{"a":{"b.c":…}}</c>, so every way of
    /// grouping the name's parts into member names is a candidate (a JSON log line can carry
    /// <c>log.level</c> as one name). Label and annotation keys are one member of their map
    /// (<c>kubernetes.labels.app.kubernetes.io/name</c>). Past <see cref="MaxGroupedParts"/> parts only
    /// the fully nested and the single-name forms are tried. Empty when a part cannot be written in
    /// a JSON path.
    /// </summary>
    private static List<string> JsonPaths(string field)
    {
        foreach (var map in KeyedMaps)
        {
            if (field.Length > map.Length + 1 && field.StartsWith(map, StringComparison.Ordinal) && field[map.Length] == '.')
            {
                return Quoted([.. map.Split('.'), field[(map.Length + 1)..]]) is { } keyed ? [keyed] : [];
            }
        }

        var parts = field.Split('.');
        var paths = new List<string>();
        if (parts.Contains(""))
        {
            return paths;
        }

        if (parts.Length > MaxGroupedParts)
        {
            AddQuoted(paths, parts);
            AddQuoted(paths, [field]);
            return paths;
        }

        // Bit i of a mask set: a dot between parts i and i+1 is part of a member name.
        for (var mask = 0; mask < 1 << (parts.Length - 1); mask++)
        {
            var names = new List<string>(parts.Length);
            var name = new StringBuilder(parts[0]);
            for (var i = 1; i < parts.Length; i++)
            {
                if ((mask & (1 << (i - 1))) != 0)
                {
                    name.Append('.').Append(parts[i]);
                }
                else
                {
                    names.Add(name.ToString());
                    name.Clear().Append(parts[i]);
                }
            }

            names.Add(name.ToString());
            AddQuoted(paths, names);
        }

        return paths;
    }

    private static void AddQuoted(List<string> paths, IReadOnlyList<string> names)
    {
        if (Quoted(names) is { } path)
        {
            paths.Add(path);
        }
    }

    /// <summary><c>$."a"."b"</c>; null when a name is empty or holds a quote.</summary>
    private static string? Quoted(IReadOnlyList<string> names)
    {
        var path = new StringBuilder("$");
        foreach (var name in names)
        {
            if (name.Length == 0 || name.Contains('"', StringComparison.Ordinal))
            {
                return null;
            }

            path.Append(".\"").Append(name).Append('"');
        }

        return path.ToString();
    }

    /// <summary>A GLOB pattern from a KQL wildcard pattern: GLOB's own metacharacters in the literal parts are bracketed.</summary>
    private static string GlobPattern(string pattern)
    {
        var glob = new StringBuilder();
        var segments = KqlWildcardPattern.Split(pattern);
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                glob.Append('*');
            }

            foreach (var c in segments[i])
            {
                _ = c switch
                {
                    '*' => glob.Append("[*]"),
                    '?' => glob.Append("[?]"),
                    '[' => glob.Append("[[]"),
                    _ => glob.Append(c),
                };
            }
        }

        return glob.ToString();
    }

    private static object? Number(string value)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return real;
        }

        return null;
    }

    private static (long Start, long End) Timestamp(string value) =>
        KqlTimestamp.TryParse(value, out var start, out var end)
            ? (start, end)
            : throw new ArgumentException($"'{value}' is not a time {KqlParser.TimestampField} can be compared with; KqlParser rejects it.", nameof(value));
}
