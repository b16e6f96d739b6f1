using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Grains.Search.Kql;

namespace Pipeline.Tests.Support;

/// <summary>
/// Evaluates the subset of the Elasticsearch query DSL that Kibana's KQL translation (and ours)
/// produces, against one stored document: <c>bool</c> (must, filter, should with
/// minimum_should_match, must_not), <c>match</c>, <c>match_phrase</c>, <c>multi_match</c> over
/// given fields, <c>query_string</c> of one term, <c>wildcard</c>, <c>prefix</c>, <c>range</c>,
/// <c>exists</c>, <c>term</c>, <c>terms</c>, <c>ids</c>, <c>match_all</c>, <c>match_none</c>.
/// Keyword fields compare exactly, text fields by lowercase words, dates by time (a date names
/// its whole span, rounded the way Elasticsearch rounds range bounds), numbers numerically.
/// </summary>
internal static class ElasticsearchStandInQuery
{
    public static bool Matches(JsonElement query, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        if (query.ValueKind != JsonValueKind.Object)
        {
            throw new ElasticsearchStandInQueryException("parsing_exception", "query malformed, must start with start_object");
        }

        var count = 0;
        var result = false;
        foreach (var clause in query.EnumerateObject())
        {
            if (++count > 1)
            {
                throw new ElasticsearchStandInQueryException("parsing_exception", $"[{clause.Name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]");
            }

            result = clause.Name switch
            {
                "match_all" => true,
                "match_none" => false,
                "bool" => Bool(clause.Value, document, index),
                "match" => Match(clause.Value, document, index, phrase: false),
                "match_phrase" => Match(clause.Value, document, index, phrase: true),
                "multi_match" => MultiMatch(clause.Value, document, index),
                "query_string" => QueryString(clause.Value, document, index),
                "wildcard" => Wildcard(clause.Value, document, index, prefix: false),
                "prefix" => Wildcard(clause.Value, document, index, prefix: true),
                "range" => Range(clause.Value, document, index),
                "exists" => Exists(FieldName(clause.Value), document),
                "term" => Term(clause.Value, document, index),
                "terms" => Terms(clause.Value, document, index),
                "ids" => Ids(clause.Value, document),
                _ => throw new ElasticsearchStandInQueryException("parsing_exception", $"unknown query [{clause.Name}]"),
            };
        }

        if (count == 0)
        {
            throw new ElasticsearchStandInQueryException("parsing_exception", "query malformed, empty clause found");
        }

        return result;
    }

    private static bool Bool(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var required = 0;
        var shouldCount = 0;
        var shouldMatched = 0;
        int? minimumShouldMatch = null;
        foreach (var member in body.EnumerateObject())
        {
            switch (member.Name)
            {
                case "must" or "filter":
                    foreach (var clause in Clauses(member.Value))
                    {
                        required++;
                        if (!Matches(clause, document, index))
                        {
                            return false;
                        }
                    }

                    break;
                case "must_not":
                    foreach (var clause in Clauses(member.Value))
                    {
                        if (Matches(clause, document, index))
                        {
                            return false;
                        }
                    }

                    break;
                case "should":
                    foreach (var clause in Clauses(member.Value))
                    {
                        shouldCount++;
                        if (Matches(clause, document, index))
                        {
                            shouldMatched++;
                        }
                    }

                    break;
                case "minimum_should_match":
                    minimumShouldMatch = member.Value.ValueKind == JsonValueKind.Number
                        ? member.Value.GetInt32()
                        : int.Parse(member.Value.GetString()!, CultureInfo.InvariantCulture);
                    break;
                case "boost" or "_name":
                    break;
                default:
                    throw new ElasticsearchStandInQueryException("parsing_exception", $"[bool] query does not support [{member.Name}]");
            }
        }

        // Without must or filter clauses at least one should clause has to match.
        var minimum = minimumShouldMatch ?? (required == 0 && shouldCount > 0 ? 1 : 0);
        return shouldMatched >= minimum;
    }

    private static IEnumerable<JsonElement> Clauses(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];

    private static bool Match(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index, bool phrase)
    {
        var (field, options) = SingleField(body);
        var query = options.ValueKind == JsonValueKind.Object ? options.GetProperty("query") : options;
        var and = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("operator", out var op)
            && string.Equals(op.GetString(), "and", StringComparison.OrdinalIgnoreCase);
        return MatchValue(field, ScalarText(query), document, index, phrase, and);
    }

    private static bool MatchValue(string field, string query, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index, bool phrase, bool and)
    {
        switch (index.Mapping.TypeOf(field))
        {
            case ElasticsearchStandInFieldType.Text:
                var words = ElasticsearchStandInText.Tokens(query);
                if (words.Count == 0)
                {
                    return false;
                }

                foreach (var value in Strings(document, field))
                {
                    var tokens = ElasticsearchStandInText.Tokens(value);
                    if (phrase ? ContainsPhrase(tokens, words) : and ? words.All(tokens.Contains) : words.Any(tokens.Contains))
                    {
                        return true;
                    }
                }

                return false;
            case ElasticsearchStandInFieldType.Date:
                if (!KqlTimestamp.TryParse(query, out var start, out var end))
                {
                    throw new ElasticsearchStandInQueryException("parse_exception", $"failed to parse date field [{query}] with format [strict_date_optional_time||epoch_millis]");
                }

                return Times(document, field).Any(t => t >= start && t < end);
            case ElasticsearchStandInFieldType.Number:
                return ElasticsearchStandInText.TryParseNumber(query, out var number) && Numbers(document, field).Any(n => n == number);
            default:
                return Strings(document, field).Any(v => v == query);
        }
    }

    private static bool MultiMatch(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var query = ScalarText(body.GetProperty("query"));
        var phrase = body.TryGetProperty("type", out var type) && type.GetString() == "phrase";
        if (!body.TryGetProperty("fields", out var fields))
        {
            throw new ElasticsearchStandInQueryException("query_shard_exception", "the stand-in needs multi_match fields (it has no index.query.default_field)");
        }

        return fields.EnumerateArray().Any(f => MatchValue(f.GetString()!, query, document, index, phrase, and: false));
    }

    private static bool QueryString(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var query = body.GetProperty("query").GetString()!;
        for (var i = 0; i < query.Length; i++)
        {
            if (query[i] == '\\')
            {
                i++;
            }
            else if (char.IsWhiteSpace(query[i]) || "+-=&|><!(){}[]^\"~:/".Contains(query[i], StringComparison.Ordinal))
            {
                throw new ElasticsearchStandInQueryException("query_shard_exception",
                    $"the stand-in understands query_string only as one term with escaped special characters, not [{query}]");
            }
        }

        var fields = body.TryGetProperty("fields", out var list)
            ? list.EnumerateArray().Select(f => f.GetString()!).ToList()
            : body.TryGetProperty("default_field", out var single) ? [single.GetString()!] : throw new ElasticsearchStandInQueryException(
                "query_shard_exception", "the stand-in needs query_string fields or default_field");
        var hasWildcard = ElasticsearchStandInText.HasWildcard(query);
        foreach (var field in fields)
        {
            var type = index.Mapping.TypeOf(field);
            if (!hasWildcard)
            {
                if (MatchValue(field, ElasticsearchStandInText.Unescape(query), document, index, phrase: type == ElasticsearchStandInFieldType.Text, and: false))
                {
                    return true;
                }
            }
            else if (type == ElasticsearchStandInFieldType.Text)
            {
                // analyze_wildcard: the pattern is lowercased and matched against each word.
                var pattern = query.ToLowerInvariant();
                if (Strings(document, field).SelectMany(ElasticsearchStandInText.Tokens).Any(t => ElasticsearchStandInText.WildcardMatches(pattern, t)))
                {
                    return true;
                }
            }
            else if (Strings(document, field).Any(v => ElasticsearchStandInText.WildcardMatches(query, v)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Wildcard(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index, bool prefix)
    {
        var (field, options) = SingleField(body);
        var value = options.ValueKind == JsonValueKind.Object
            ? (options.TryGetProperty("value", out var v) ? v : options.GetProperty(prefix ? "prefix" : "wildcard")).GetString()!
            : options.GetString()!;
        var caseInsensitive = options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("case_insensitive", out var ci) && ci.ValueKind == JsonValueKind.True;
        var pattern = prefix ? Escape(value) + "*" : value;
        var candidates = index.Mapping.TypeOf(field) == ElasticsearchStandInFieldType.Text
            ? Strings(document, field).SelectMany(ElasticsearchStandInText.Tokens)
            : Strings(document, field);
        return candidates.Any(c => ElasticsearchStandInText.WildcardMatches(pattern, c, caseInsensitive));
    }

    private static bool Range(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var (field, bounds) = SingleField(body);
        var type = index.Mapping.TypeOf(field);
        foreach (var bound in bounds.EnumerateObject())
        {
            if (bound.Name is "format" or "time_zone" or "boost" or "relation")
            {
                continue;
            }

            if (bound.Name is not ("gt" or "gte" or "lt" or "lte"))
            {
                throw new ElasticsearchStandInQueryException("parsing_exception", $"[range] query does not support [{bound.Name}]");
            }

            if (bound.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var text = ScalarText(bound.Value);
            var inRange = type switch
            {
                ElasticsearchStandInFieldType.Date => DateInRange(document, field, bound.Name, text),
                ElasticsearchStandInFieldType.Number => ElasticsearchStandInText.TryParseNumber(text, out var limit)
                    ? Numbers(document, field).Any(n => Compare(n.CompareTo(limit), bound.Name))
                    : throw new ElasticsearchStandInQueryException("number_format_exception", $"For input string: \"{text}\""),
                ElasticsearchStandInFieldType.Text => Strings(document, field).SelectMany(ElasticsearchStandInText.Tokens)
                    .Any(t => Compare(string.CompareOrdinal(t, text), bound.Name)),
                _ => Strings(document, field).Any(v => Compare(string.CompareOrdinal(v, text), bound.Name)),
            };
            if (!inRange)
            {
                return false;
            }
        }

        return Exists(field, document);
    }

    private static bool DateInRange(ElasticsearchStandInDocument document, string field, string op, string bound)
    {
        if (!KqlTimestamp.TryParse(bound, out var start, out var end))
        {
            throw new ElasticsearchStandInQueryException("parse_exception", $"failed to parse date field [{bound}] with format [strict_date_optional_time||epoch_millis]");
        }

        // Elasticsearch rounds a bound to its span: gt and lte to its end, gte and lt to its start.
        return Times(document, field).Any(t => op switch
        {
            "gt" => t >= end,
            "gte" => t >= start,
            "lt" => t < start,
            _ => t < end,
        });
    }

    private static bool Compare(int comparison, string op) => op switch
    {
        "gt" => comparison > 0,
        "gte" => comparison >= 0,
        "lt" => comparison < 0,
        _ => comparison <= 0,
    };

    private static bool Term(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var (field, options) = SingleField(body);
        var value = options.ValueKind == JsonValueKind.Object ? options.GetProperty("value") : options;
        return TermMatches(field, ScalarText(value), document, index);
    }

    private static bool Terms(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var (field, values) = SingleField(body, ignore: "boost");
        return values.EnumerateArray().Any(v => TermMatches(field, ScalarText(v), document, index));
    }

    private static bool TermMatches(string field, string value, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index) =>
        index.Mapping.TypeOf(field) switch
        {
            ElasticsearchStandInFieldType.Text => Strings(document, field).SelectMany(ElasticsearchStandInText.Tokens).Contains(value),
            ElasticsearchStandInFieldType.Number => ElasticsearchStandInText.TryParseNumber(value, out var n) && Numbers(document, field).Contains(n),
            ElasticsearchStandInFieldType.Date => MatchValue(field, value, document, index, phrase: false, and: false),
            _ => Strings(document, field).Contains(value),
        };

    private static bool Ids(JsonElement body, ElasticsearchStandInDocument document) =>
        body.GetProperty("values").EnumerateArray().Any(v => v.GetString() == document.Id);

    private static bool Exists(string field, ElasticsearchStandInDocument document) =>
        field is "_id" or "_index" || Values(document, field).Any(v => v.ValueKind is not JsonValueKind.Null
            && (v.ValueKind != JsonValueKind.Object || v.EnumerateObject().Any()));

    private static string FieldName(JsonElement body) => body.GetProperty("field").GetString()!;

    private static (string Field, JsonElement Value) SingleField(JsonElement body, string? ignore = null)
    {
        (string, JsonElement)? found = null;
        foreach (var member in body.EnumerateObject())
        {
            if (member.Name == ignore)
            {
                continue;
            }

            if (found is not null)
            {
                throw new ElasticsearchStandInQueryException("parsing_exception", $"query doesn't support multiple fields, found [{found.Value.Item1}] and [{member.Name}]");
            }

            found = (member.Name, member.Value);
        }

        return found ?? throw new ElasticsearchStandInQueryException("parsing_exception", "query has no field");
    }

    private static string ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw new ElasticsearchStandInQueryException("parsing_exception", $"expected a value, found {value.ValueKind}"),
    };

    private static bool ContainsPhrase(List<string> tokens, List<string> words)
    {
        for (var i = 0; i + words.Count <= tokens.Count; i++)
        {
            var all = true;
            for (var j = 0; j < words.Count && all; j++)
            {
                all = tokens[i + j] == words[j];
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static string Escape(string literal)
    {
        var builder = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>The values of a field: leaves of nested objects and of dotted member names alike, arrays flattened.</summary>
    public static IEnumerable<JsonElement> Values(ElasticsearchStandInDocument document, string field)
    {
        var values = new List<JsonElement>();
        switch (field)
        {
            case "_id":
                values.Add(JsonSerializer.SerializeToElement(document.Id));
                break;
            case "_index":
                values.Add(JsonSerializer.SerializeToElement(document.Index));
                break;
            default:
                Collect(document.Source, field, values);
                break;
        }

        return values;
    }

    private static void Collect(JsonElement node, string path, List<JsonElement> into)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                Collect(item, path, into);
            }

            return;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var member in node.EnumerateObject())
        {
            if (member.Name == path)
            {
                Flatten(member.Value, into);
            }
            else if (path.Length > member.Name.Length && path[member.Name.Length] == '.' && path.StartsWith(member.Name, StringComparison.Ordinal))
            {
                Collect(member.Value, path[(member.Name.Length + 1)..], into);
            }
        }
    }

    private static void Flatten(JsonElement value, List<JsonElement> into)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                Flatten(item, into);
            }
        }
        else if (value.ValueKind != JsonValueKind.Null)
        {
            into.Add(value);
        }
    }

    private static IEnumerable<string> Strings(ElasticsearchStandInDocument document, string field)
    {
        // A dynamic ".keyword" sub-field holds its text parent's values.
        var source = field.EndsWith(".keyword", StringComparison.Ordinal) && !Values(document, field).Any()
            ? field[..^".keyword".Length]
            : field;
        return Values(document, source).Where(v => v.ValueKind != JsonValueKind.Object)
            .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText());
    }

    private static IEnumerable<double> Numbers(ElasticsearchStandInDocument document, string field) =>
        Strings(document, field).Select(s => ElasticsearchStandInText.TryParseNumber(s, out var n) ? (double?)n : null)
            .Where(n => n is not null).Select(n => n!.Value);

    /// <summary>Unix nanoseconds of a date field's values.</summary>
    public static IEnumerable<long> Times(ElasticsearchStandInDocument document, string field) =>
        Strings(document, field).Select(s => KqlTimestamp.TryParse(s, out var start, out _) ? (long?)start : null)
            .Where(t => t is not null).Select(t => t!.Value);
}
