using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Reads a JSON object with <see cref="Utf8JsonReader"/> straight from the message bytes into
/// nodes (no intermediate document, names from a cache). Numbers keep their type: integers as
/// long, others as decimal (keeping <c>99.90</c> as written) or double. Anything but one object
/// fails: <c>not_an_object</c> (checked without throwing) or <c>invalid_json</c>.
/// </summary>
internal sealed class JsonLogParser : LogParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public JsonLogParser(ParserDefinition definition)
        : base(definition)
    {
    }

    public override string? Parse(string text, List<KeyValuePair<string, JsonNode?>> members) => Parse(Encode(text), members);

    public override string? Parse(ReadOnlySpan<byte> utf8, List<KeyValuePair<string, JsonNode?>> members)
    {
        var trimmed = utf8.Trim(" \t\r\n"u8);
        if (trimmed.Length < 2 || trimmed[0] != (byte)'{' || trimmed[^1] != (byte)'}')
        {
            return "not_an_object";
        }

        try
        {
            var reader = new Utf8JsonReader(trimmed, ReaderOptions);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = ReadString(ref reader);
                reader.Read();
                members.Add(new(name, ReadValue(ref reader)));
            }

            // Anything after the object's end makes the reader throw.
            while (reader.Read())
            {
            }

            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped string that is not valid UTF-8.
            members.Clear();
            return "invalid_json";
        }
    }

    // Names and string values alike: short unescaped ones come from the cache.
    private string ReadString(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? reader.GetString()! : Strings.Get(reader.ValueSpan);

    private JsonNode? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return JsonValue.Create(ReadString(ref reader));
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var integer))
                {
                    return JsonValue.Create(integer);
                }

                return reader.TryGetDecimal(out var number) ? JsonValue.Create(number) : JsonValue.Create(reader.GetDouble());
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = ReadString(ref reader);
                    reader.Read();
                    obj[name] = ReadValue(ref reader);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader));
                }

                return array;
            default:
                return null;
        }
    }
}
