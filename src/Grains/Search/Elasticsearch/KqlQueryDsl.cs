using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Search.Elasticsearch;

/// <summary>
/// Translates a KQL tree into Elasticsearch query DSL the way Kibana does, with the field
/// semantics of the embedded store (<see cref="KqlSqlTranslator"/>):
/// <list type="bullet">
/// <item><c>and</c> → <c>bool.filter</c>, <c>or</c> → <c>bool.should</c> with
/// <c>minimum_should_match: 1</c>, <c>not</c> → <c>bool.must_not</c> (so records without the field
/// are kept, as in Elasticsearch).</item>
/// <item>Bare terms, <c>log</c> and <c>message</c> search the <c>log</c> text field: words →
/// <c>match</c> (any word), a quoted phrase → <c>match_phrase</c>, a word with <c>*</c> →
/// <c>query_string</c> with <c>analyze_wildcard</c>, as Kibana sends it.</item>
/// <item><c>field:value</c> → <c>match</c> (exact: the template maps every string but <c>log</c> as a
/// keyword), <c>field:"a phrase"</c> → <c>match_phrase</c>, <c>field:val*</c> → <c>wildcard</c>,
/// <c>field:*</c> → <c>exists</c>,
/// <c>_id:value</c> → <c>ids</c>.</item>
/// <item>Ranges → <c>range</c>; numbers are sent as numbers. <c>@timestamp</c> values name a span
/// (a date is its day): <c>@timestamp:v</c> matches the span, <c>&gt;=</c> / <c>&lt;</c> compare with
/// its start and <c>&gt;</c> / <c>&lt;=</c> with its end, sent as RFC 3339 with nanoseconds.</item>
/// </list>
/// User text only ever becomes JSON string values (query_string text is escaped), never DSL.
/// </summary>
public static class KqlQueryDsl
{
    /// <summary>The date format of the bounds this translation writes.</summary>
    public const string TimestampFormat = "strict_date_optional_time_nanos";

    private const string MessageField = "log";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly SearchValues<char> QueryStringReserved = SearchValues.Create("+-=&|><!(){}[]^\"~*?:\\/");

    /// <summary>The query as a JSON string.</summary>
    public static string Translate(KqlNode query)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, query);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the query object.</summary>
    public static void Write(Utf8JsonWriter writer, KqlNode query)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(query);
        switch (query)
        {
            case KqlMatchAll:
                writer.WriteStartObject();
                writer.WriteStartObject("match_all");
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case KqlAnd and:
                Bool(writer, "filter", and.Operands, minimumShouldMatch: false);
                break;
            case KqlOr or:
                Bool(writer, "should", or.Operands, minimumShouldMatch: true);
                break;
            case KqlNot not:
                writer.WriteStartObject();
                writer.WriteStartObject("bool");
                writer.WritePropertyName("must_not");
                Write(writer, not.Operand);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case KqlFreeText text:
                Message(writer, text.Value, text.IsPhrase, text.HasWildcard);
                break;
            case KqlFieldMatch match:
                Match(writer, match);
                break;
            case KqlRange range:
                Range(writer, range);
                break;
            case KqlExists exists:
                Exists(writer, FieldOf(exists.Field));
                break;
            default:
                throw new ArgumentException($"Unknown KQL node {query.GetType().Name}.", nameof(query));
        }
    }

    private static void Bool(Utf8JsonWriter writer, string occur, IReadOnlyList<KqlNode> operands, bool minimumShouldMatch)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("bool");
        writer.WriteStartArray(occur);
        foreach (var operand in operands)
        {
            Write(writer, operand);
        }

        writer.WriteEndArray();
        if (minimumShouldMatch)
        {
            writer.WriteNumber("minimum_should_match", 1);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Message(Utf8JsonWriter writer, string value, bool isPhrase, bool hasWildcard)
    {
        if (isPhrase || !hasWildcard)
        {
            Leaf(writer, isPhrase ? "match_phrase" : "match", MessageField, value);
            return;
        }

        // Words with wildcards: each word on its own, any of them may match (as unquoted words do).
        var words = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1)
        {
            MessageWord(writer, words[0]);
            return;
        }

        writer.WriteStartObject();
        writer.WriteStartObject("bool");
        writer.WriteStartArray("should");
        foreach (var word in words)
        {
            MessageWord(writer, word);
        }

        writer.WriteEndArray();
        writer.WriteNumber("minimum_should_match", 1);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void MessageWord(Utf8JsonWriter writer, string pattern)
    {
        if (KqlWildcardPattern.IsMatchAnything(pattern))
        {
            Exists(writer, MessageField);
        }
        else if (KqlWildcardPattern.Split(pattern) is { Count: 1 } literal)
        {
            Leaf(writer, "match", MessageField, literal[0]);
        }
        else
        {
            QueryString(writer, MessageField, pattern);
        }
    }

    private static void Match(Utf8JsonWriter writer, KqlFieldMatch match)
    {
        var field = FieldOf(match.Field);
        if (field == MessageField)
        {
            Message(writer, match.Value, match.IsPhrase, match.HasWildcard);
            return;
        }

        if (field == KqlParser.TimestampField)
        {
            var (start, end) = Timestamp(match.Value);
            writer.WriteStartObject();
            writer.WriteStartObject("range");
            writer.WriteStartObject(field);
            writer.WriteString("gte", Time(start));
            writer.WriteString("lt", Time(end));
            writer.WriteString("format", TimestampFormat);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        if (match.HasWildcard)
        {
            if (KqlWildcardPattern.IsMatchAnything(match.Value))
            {
                Exists(writer, field);
            }
            else if (IsKeyword(field))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("wildcard");
                writer.WriteStartObject(field);
                writer.WriteString("value", WildcardPattern(match.Value));
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                QueryString(writer, field, match.Value);
            }

            return;
        }

        if (field == "_id")
        {
            writer.WriteStartObject();
            writer.WriteStartObject("ids");
            writer.WriteStartArray("values");
            writer.WriteStringValue(match.Value);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        Leaf(writer, match.IsPhrase ? "match_phrase" : "match", field, match.Value);
    }

    private static void Range(Utf8JsonWriter writer, KqlRange range)
    {
        var field = FieldOf(range.Field);
        writer.WriteStartObject();
        writer.WriteStartObject("range");
        writer.WriteStartObject(field);
        if (field == KqlParser.TimestampField)
        {
            var (start, end) = Timestamp(range.Value);
            var (op, bound) = range.Operator switch
            {
                KqlRangeOperator.GreaterThan => ("gte", end),
                KqlRangeOperator.GreaterThanOrEqual => ("gte", start),
                KqlRangeOperator.LessThan => ("lt", start),
                _ => ("lt", end),
            };
            writer.WriteString(op, Time(bound));
            writer.WriteString("format", TimestampFormat);
        }
        else
        {
            var op = range.Operator switch
            {
                KqlRangeOperator.GreaterThan => "gt",
                KqlRangeOperator.GreaterThanOrEqual => "gte",
                KqlRangeOperator.LessThan => "lt",
                _ => "lte",
            };
            if (long.TryParse(range.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                writer.WriteNumber(op, integer);
            }
            else if (double.TryParse(range.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            {
                writer.WriteNumber(op, real);
            }
            else
            {
                writer.WriteString(op, range.Value);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Leaf(Utf8JsonWriter writer, string query, string field, string value)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(query);
        writer.WriteString(field, value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Exists(Utf8JsonWriter writer, string field)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("exists");
        writer.WriteString("field", field);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void QueryString(Utf8JsonWriter writer, string field, string pattern)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("query_string");
        writer.WriteString("query", QueryStringPattern(pattern));
        writer.WriteStartArray("fields");
        writer.WriteStringValue(field);
        writer.WriteEndArray();
        writer.WriteBoolean("analyze_wildcard", true);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>message</c> is the name Kibana users know for the log line; ours is <c>log</c>.</summary>
    private static string FieldOf(string field) => field is "message" ? MessageField : field;

    /// <summary>
    /// The fields a <c>wildcard</c> query fits: the pipeline's index template maps every string but
    /// <c>log</c> as a keyword (labels and annotations as flattened keywords).
    /// </summary>
    private static bool IsKeyword(string field) =>
        field is not (MessageField or KqlParser.TimestampField);

    /// <summary>A KQL pattern in the wildcard query's syntax: <c>*</c> stays, literal <c>*</c>, <c>?</c> and <c>\</c> are escaped.</summary>
    private static string WildcardPattern(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 4);
        var segments = KqlWildcardPattern.Split(pattern);
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('*');
            }

            foreach (var c in segments[i])
            {
                if (c is '*' or '?' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A KQL pattern as one query_string term: every reserved character and whitespace of the literal parts escaped.</summary>
    private static string QueryStringPattern(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        var segments = KqlWildcardPattern.Split(pattern);
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('*');
            }

            foreach (var c in segments[i])
            {
                if (QueryStringReserved.Contains(c) || char.IsWhiteSpace(c))
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Time(long unixNanos) => StoreTimestamp.Format(unixNanos);

    private static (long Start, long End) Timestamp(string value) =>
        KqlTimestamp.TryParse(value, out var start, out var end)
            ? (start, end)
            : throw new ArgumentException($"'{value}' is not a time {KqlParser.TimestampField} can be compared with; KqlParser rejects it.", nameof(value));
}
