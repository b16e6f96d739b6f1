using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// A JSON value of a document as the stand-in's document parser walks it: members in order, each
/// value with the byte offset where its token starts in the source line. Elasticsearch prefixes
/// document errors with the parser's <c>[line:column]</c>; a bulk source is one line, so the
/// column is this offset plus one. Values the parser makes up itself (a dotted name expanded into
/// objects) have no location, and Elasticsearch then prints none.
/// </summary>
internal sealed class ElasticsearchStandInSourceValue
{
    private ElasticsearchStandInSourceValue(JsonValueKind kind, int offset)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonValueKind Kind { get; }

    /// <summary>Byte offset of the value's first token in the source, or -1 when it has none.</summary>
    public int Offset { get; }

    /// <summary>A string's value, or a number's text as written.</summary>
    public string Text { get; private init; } = "";

    public List<(string Name, ElasticsearchStandInSourceValue Value)> Members { get; } = [];

    public List<ElasticsearchStandInSourceValue> Items { get; } = [];

    public bool IsScalar => Kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    /// <summary>Where Elasticsearch would say the value is: <c>[1:12] </c>, or nothing when unknown.</summary>
    public string Location => Offset < 0 ? "" : $"[1:{Offset + 1}] ";

    /// <summary>The value's text as a keyword field indexes it (numbers as written, booleans as true/false).</summary>
    public string ScalarText => Kind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => Text,
    };

    public static ElasticsearchStandInSourceValue Parse(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        reader.Read();
        return Read(ref reader);
    }

    /// <summary>An object made up by the parser: <paramref name="name"/> holding <paramref name="value"/>, with no location.</summary>
    public static ElasticsearchStandInSourceValue Synthetic(string name, ElasticsearchStandInSourceValue value)
    {
        var made = new ElasticsearchStandInSourceValue(JsonValueKind.Object, -1);
        made.Members.Add((name, value));
        return made;
    }

    /// <summary>
    /// The value as Elasticsearch previews it in "Preview of field's value: '…'": the text of a
    /// scalar, and for objects and arrays what Java's <c>HashMap</c> and <c>ArrayList</c> print
    /// (<c>{a=b, c=[1, 2]}</c>), keys in HashMap's iteration order.
    /// </summary>
    public string Preview()
    {
        var builder = new StringBuilder();
        AppendPreview(builder);
        return builder.ToString();
    }

    /// <summary>The value as JSON (for the stored source of a flattened leaf or a sort value).</summary>
    public JsonElement ToJsonElement() => Kind switch
    {
        JsonValueKind.String => JsonSerializer.SerializeToElement(Text),
        JsonValueKind.Number => JsonDocument.Parse(Text).RootElement.Clone(),
        JsonValueKind.True => JsonSerializer.SerializeToElement(true),
        JsonValueKind.False => JsonSerializer.SerializeToElement(false),
        _ => JsonSerializer.SerializeToElement<object?>(null),
    };

    private static ElasticsearchStandInSourceValue Read(ref Utf8JsonReader reader)
    {
        var offset = checked((int)reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new ElasticsearchStandInSourceValue(JsonValueKind.Object, offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    obj.Members.Add((name, Read(ref reader)));
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new ElasticsearchStandInSourceValue(JsonValueKind.Array, offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(Read(ref reader));
                }

                return array;
            case JsonTokenType.String:
                return new ElasticsearchStandInSourceValue(JsonValueKind.String, offset) { Text = reader.GetString()! };
            case JsonTokenType.Number:
                return new ElasticsearchStandInSourceValue(JsonValueKind.Number, offset) { Text = Encoding.UTF8.GetString(reader.ValueSpan) };
            case JsonTokenType.True:
                return new ElasticsearchStandInSourceValue(JsonValueKind.True, offset);
            case JsonTokenType.False:
                return new ElasticsearchStandInSourceValue(JsonValueKind.False, offset);
            default:
                return new ElasticsearchStandInSourceValue(JsonValueKind.Null, offset);
        }
    }

    private void AppendPreview(StringBuilder builder)
    {
        switch (Kind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var (name, value) in JavaHashMapOrder(Members))
                {
                    builder.Append(first ? "" : ", ").Append(name).Append('=');
                    value.AppendPreview(builder);
                    first = false;
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                for (var i = 0; i < Items.Count; i++)
                {
                    builder.Append(i == 0 ? "" : ", ");
                    Items[i].AppendPreview(builder);
                }

                builder.Append(']');
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            case JsonValueKind.Number:
                builder.Append(JavaNumber(Text));
                break;
            default:
                builder.Append(ScalarText);
                break;
        }
    }

    // Java prints a parsed integer as written and a parsed double in its shortest form with ".0".
    private static string JavaNumber(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var number = double.Parse(text, CultureInfo.InvariantCulture);
        var shortest = number.ToString("R", CultureInfo.InvariantCulture);
        return shortest.Contains('.', StringComparison.Ordinal) || shortest.Contains('E', StringComparison.Ordinal) ? shortest : shortest + ".0";
    }

    /// <summary>
    /// The order a <c>java.util.HashMap</c> iterates the keys in: by bucket (the spread String
    /// hash masked by the table size, which starts at 16 and doubles past three quarters full),
    /// insertion order within a bucket. A later duplicate key replaces the earlier value in place.
    /// </summary>
    private static IEnumerable<(string Name, ElasticsearchStandInSourceValue Value)> JavaHashMapOrder(List<(string Name, ElasticsearchStandInSourceValue Value)> members)
    {
        var distinct = new List<(string Name, ElasticsearchStandInSourceValue Value)>();
        foreach (var member in members)
        {
            var at = distinct.FindIndex(m => m.Name == member.Name);
            if (at >= 0)
            {
                distinct[at] = member;
            }
            else
            {
                distinct.Add(member);
            }
        }

        var capacity = 16;
        while (distinct.Count > capacity * 3 / 4)
        {
            capacity *= 2;
        }

        return distinct.Select((m, i) => (Member: m, Bucket: Bucket(m.Name, capacity), Order: i))
            .OrderBy(e => e.Bucket).ThenBy(e => e.Order).Select(e => e.Member);
    }

    private static int Bucket(string key, int capacity)
    {
        var hash = 0;
        foreach (var c in key)
        {
            hash = unchecked((31 * hash) + c);
        }

        var spread = hash ^ (int)((uint)hash >> 16);
        return spread & (capacity - 1);
    }
}
