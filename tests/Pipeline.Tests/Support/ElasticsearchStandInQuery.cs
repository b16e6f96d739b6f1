using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Evaluates the subset of the Elasticsearch query DSL that Kibana's KQL translation (and ours)
/// produces, against one stored document: <c>bool</c> (must, filter, should with
/// minimum_should_match, must_not), <c>match</c>, <c>match_phrase</c>, <c>multi_match</c> over
/// given fields, <c>query_string</c> of one term, <c>wildcard</c>, <c>prefix</c>, <c>range</c>,
/// <c>exists</c>, <c>term</c>, <c>terms</c>, <c>ids</c>, <c>match_all</c>, <c>match_none</c>.
/// Field names resolve through the index mapping (<see cref="ElasticsearchStandInMapping.Resolve"/>),
/// so a key of a flattened field is searchable by <c>field.key</c> and an unmapped field matches
/// nothing. Queries compare with what was indexed, not with the source: keyword fields exactly,
/// text fields by the terms of the field's analyzer (query text analyzed by its search analyzer),
/// dates by time (a date names its whole span, rounded the way Elasticsearch rounds range
/// bounds), numbers numerically.
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
                "exists" => Exists(FieldName(clause.Value), document, index),
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

    /// <summary>
    /// A match query on one field: text is analyzed with the field's search analyzer and compared
    /// term by term (all terms in order for a phrase); other types compare the whole value.
    /// </summary>
    private static bool MatchValue(string field, string query, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index, bool phrase, bool and)
    {
        if (index.Mapping.Resolve(field) is not { } resolved)
        {
            return false;
        }

        var values = Indexed(document, resolved);
        switch (resolved.Kind)
        {
            case ElasticsearchStandInFieldType.Text:
                var words = resolved.SearchAnalyzer!.Analyze(query);
                if (words.Count == 0)
                {
                    return false;
                }

                return values.Any(v => phrase ? ContainsPhrase(v.Tokens, words)
                    : and ? words.All(w => v.Tokens.Any(t => t.Term == w.Term))
                    : words.Any(w => v.Tokens.Any(t => t.Term == w.Term)));
            case ElasticsearchStandInFieldType.Date:
                if (!ElasticsearchStandInDates.TrySpan(query, out var start, out var end))
                {
                    throw new ElasticsearchStandInQueryException("parse_exception", $"failed to parse date field [{query}] with format [strict_date_optional_time||epoch_millis]");
                }

                return values.Any(v => v.Nanos >= start && v.Nanos < end);
            case ElasticsearchStandInFieldType.Number:
                return ElasticsearchStandInText.TryParseNumber(query, out var number) && values.Any(v => v.Number == number);
            case ElasticsearchStandInFieldType.Object:
                return false;
            default:
                var normalized = Normalized(resolved, query);
                return values.Any(v => v.Text == normalized);
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
            if (index.Mapping.Resolve(field) is not { } resolved)
            {
                continue;
            }

            if (!hasWildcard)
            {
                // One term that analyzes into several words is searched as a phrase.
                if (MatchValue(field, ElasticsearchStandInText.Unescape(query), document, index, phrase: resolved.Kind == ElasticsearchStandInFieldType.Text, and: false))
                {
                    return true;
                }
            }
            else if (resolved.Kind == ElasticsearchStandInFieldType.Text)
            {
                // analyze_wildcard: the pattern goes through the analyzer's per-character filters, then matches each term.
                var pattern = resolved.SearchAnalyzer!.Normalize(query);
                if (Indexed(document, resolved).SelectMany(v => v.Tokens).Any(t => ElasticsearchStandInText.WildcardMatches(pattern, t.Term)))
                {
                    return true;
                }
            }
            else if (Indexed(document, resolved).Any(v => ElasticsearchStandInText.WildcardMatches(query, v.Text)))
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
        if (index.Mapping.Resolve(field) is not { } resolved)
        {
            return false;
        }

        if (resolved.Kind is not (ElasticsearchStandInFieldType.Text or ElasticsearchStandInFieldType.Keyword or ElasticsearchStandInFieldType.Flattened))
        {
            throw new ElasticsearchStandInQueryException("query_shard_exception",
                $"Can only use {(prefix ? "prefix" : "wildcard")} queries on keyword and text fields - not on [{field}] which is of type [{TypeName(resolved.Kind)}]");
        }

        var candidates = resolved.Kind == ElasticsearchStandInFieldType.Text
            ? Indexed(document, resolved).SelectMany(t => t.Tokens).Select(t => t.Term)
            : Indexed(document, resolved).Select(t => t.Text);
        return candidates.Any(c => ElasticsearchStandInText.WildcardMatches(pattern, c, caseInsensitive));
    }

    private static bool Range(JsonElement body, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        var (field, bounds) = SingleField(body);
        var resolved = index.Mapping.Resolve(field);
        var values = resolved is null ? [] : Indexed(document, resolved);
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
            var inRange = resolved?.Kind switch
            {
                null => false,
                ElasticsearchStandInFieldType.Date => DateInRange(values, bound.Name, text),
                ElasticsearchStandInFieldType.Number => ElasticsearchStandInText.TryParseNumber(text, out var limit)
                    ? values.Any(n => Compare(n.Number!.Value.CompareTo(limit), bound.Name))
                    : throw new ElasticsearchStandInQueryException("number_format_exception", $"For input string: \"{text}\""),
                ElasticsearchStandInFieldType.Text => values.SelectMany(v => v.Tokens).Any(t => Compare(string.CompareOrdinal(t.Term, text), bound.Name)),
                _ => values.Any(v => Compare(string.CompareOrdinal(v.Text, text), bound.Name)),
            };
            if (!inRange)
            {
                return false;
            }
        }

        return values.Count > 0;
    }

    private static bool DateInRange(IReadOnlyList<ElasticsearchStandInIndexedValue> values, string op, string bound)
    {
        if (!ElasticsearchStandInDates.TrySpan(bound, out var start, out var end))
        {
            throw new ElasticsearchStandInQueryException("parse_exception", $"failed to parse date field [{bound}] with format [strict_date_optional_time||epoch_millis]");
        }

        // Elasticsearch rounds a bound to its span: gt and lte to its end, gte and lt to its start.
        return values.Any(v => op switch
        {
            "gt" => v.Nanos >= end,
            "gte" => v.Nanos >= start,
            "lt" => v.Nanos < start,
            _ => v.Nanos < end,
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

    // A term query is not analyzed: on a text field it must equal one indexed term.
    private static bool TermMatches(string field, string value, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index) =>
        index.Mapping.Resolve(field) is { } resolved && resolved.Kind switch
        {
            ElasticsearchStandInFieldType.Text => Indexed(document, resolved).SelectMany(v => v.Tokens).Any(t => t.Term == value),
            ElasticsearchStandInFieldType.Number or ElasticsearchStandInFieldType.Date => MatchValue(field, value, document, index, phrase: false, and: false),
            ElasticsearchStandInFieldType.Object => false,
            _ => Indexed(document, resolved).Any(v => v.Text == Normalized(resolved, value)),
        };

    private static bool Ids(JsonElement body, ElasticsearchStandInDocument document) =>
        body.GetProperty("values").EnumerateArray().Any(v => v.GetString() == document.Id);

    private static bool Exists(string field, ElasticsearchStandInDocument document, ElasticsearchStandInIndex index)
    {
        if (field is "_id" or "_index")
        {
            return true;
        }

        return index.Mapping.Resolve(field) switch
        {
            null => false,
            { Kind: ElasticsearchStandInFieldType.Object } => document.Fields.Any(f => f.Key.StartsWith(field + ".", StringComparison.Ordinal) && f.Value.Count > 0),
            { } resolved => Indexed(document, resolved).Count > 0,
        };
    }

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

    // The query's terms at the same distances from each other as in the query (a removed stop word leaves a gap).
    private static bool ContainsPhrase(IReadOnlyList<ElasticsearchStandInToken> tokens, List<ElasticsearchStandInToken> words)
    {
        var positions = tokens.ToLookup(t => t.Term, t => t.Position, StringComparer.Ordinal);
        return positions[words[0].Term].Any(first =>
            words.All(w => positions[w.Term].Contains(first + w.Position - words[0].Position)));
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

    /// <summary>The values of a field as the documents had them (for sort values).</summary>
    public static IEnumerable<JsonElement> Values(ElasticsearchStandInDocument document, string field) => field switch
    {
        "_id" => [JsonSerializer.SerializeToElement(document.Id)],
        "_index" => [JsonSerializer.SerializeToElement(document.Index)],
        _ => document.Fields.TryGetValue(field, out var values) ? values.Select(v => v.Source) : [],
    };

    /// <summary>Unix nanoseconds of a date field's values.</summary>
    public static IEnumerable<long> Times(ElasticsearchStandInDocument document, string field) =>
        document.Fields.TryGetValue(field, out var values) ? values.Where(v => v.Nanos is not null).Select(v => v.Nanos!.Value) : [];

    private static IReadOnlyList<ElasticsearchStandInIndexedValue> Indexed(ElasticsearchStandInDocument document, ElasticsearchStandInResolvedField field) =>
        field.Path switch
        {
            "_id" => [new(ElasticsearchStandInFieldType.Keyword, document.Id, default)],
            "_index" => [new(ElasticsearchStandInFieldType.Keyword, document.Index, default)],
            _ => document.Fields.TryGetValue(field.Path, out var values) ? values : [],
        };

    // A keyword's normalizer applies to query values too.
    private static string Normalized(ElasticsearchStandInResolvedField field, string value) =>
        field.SearchAnalyzer is { } normalizer ? string.Concat(normalizer.Terms(value)) : value;

    private static string TypeName(ElasticsearchStandInFieldType type) => type switch
    {
        ElasticsearchStandInFieldType.Number => "long",
        _ => type.ToString().ToLowerInvariant(),
    };
}
