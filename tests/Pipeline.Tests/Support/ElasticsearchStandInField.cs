using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// One mapper of an index's mapping: an object (with its properties) or a field (with its
/// multi-fields), as Elasticsearch's mapping tree holds them. <see cref="Name"/> is the key under
/// the parent's <c>properties</c>, which holds dots below an object with <c>subobjects: false</c>;
/// <see cref="Path"/> is the full dotted path queries use.
/// </summary>
internal sealed class ElasticsearchStandInField
{
    private static readonly HashSet<string> Numeric = new(StringComparer.Ordinal)
    {
        "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long",
    };

    public required string Name { get; init; }

    public required string Path { get; init; }

    /// <summary>The Elasticsearch type name: <c>object</c>, <c>nested</c>, <c>keyword</c>, <c>text</c>, <c>long</c>…</summary>
    public required string Type { get; init; }

    public Dictionary<string, ElasticsearchStandInField> Properties { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ElasticsearchStandInField> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Objects: <c>subobjects</c> as set, null when not set (true).</summary>
    public bool? Subobjects { get; init; }

    /// <summary>Objects: <c>dynamic</c> as set (true, false, strict, runtime), null to inherit.</summary>
    public string? Dynamic { get; init; }

    public bool Enabled { get; init; } = true;

    public int? IgnoreAbove { get; init; }

    public bool? IgnoreMalformed { get; init; }

    public bool Coerce { get; init; } = true;

    public bool Index { get; init; } = true;

    public string? Analyzer { get; init; }

    public string? SearchAnalyzer { get; init; }

    public string? Normalizer { get; init; }

    public string? Format { get; init; }

    /// <summary>constant_keyword: the value, set by the mapping or by the first document.</summary>
    public string? ConstantValue { get; set; }

    /// <summary>The definition as written (or as dynamic mapping made it), for <see cref="ElasticsearchStandInMapping.ToJson"/>.</summary>
    public JsonElement? Definition { get; init; }

    public bool IsObject => Type is "object" or "nested";

    public bool IsNumeric => Numeric.Contains(Type);

    /// <summary>Effective <c>subobjects</c> of an object.</summary>
    public bool AllowsSubobjects => Subobjects ?? true;

    public ElasticsearchStandInFieldType Kind => Type switch
    {
        "keyword" or "constant_keyword" or "wildcard" or "ip" or "version" => ElasticsearchStandInFieldType.Keyword,
        "text" or "match_only_text" => ElasticsearchStandInFieldType.Text,
        "date" or "date_nanos" => ElasticsearchStandInFieldType.Date,
        "boolean" => ElasticsearchStandInFieldType.Boolean,
        "object" or "nested" => ElasticsearchStandInFieldType.Object,
        "flattened" => ElasticsearchStandInFieldType.Flattened,
        _ when IsNumeric => ElasticsearchStandInFieldType.Number,
        _ => ElasticsearchStandInFieldType.Keyword,
    };

    /// <summary>How many fields Elasticsearch counts against <c>index.mapping.total_fields.limit</c>: itself, its multi-fields, its properties.</summary>
    public int TotalFieldsCount => 1 + Fields.Values.Sum(f => f.TotalFieldsCount) + Properties.Values.Sum(p => p.TotalFieldsCount);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject(Name);
        if (IsObject)
        {
            if (Type == "nested")
            {
                writer.WriteString("type", "nested");
            }

            WriteObjectOptions(writer);
        }
        else if (Definition is { } definition)
        {
            foreach (var member in definition.EnumerateObject().Where(m => m.Name != "fields"))
            {
                member.WriteTo(writer);
            }

            if (Fields.Count > 0)
            {
                writer.WriteStartObject("fields");
                foreach (var field in Fields.Values)
                {
                    field.WriteTo(writer);
                }

                writer.WriteEndObject();
            }
        }
        else
        {
            writer.WriteString("type", Type);
        }

        writer.WriteEndObject();
    }

    /// <summary>An object's <c>dynamic</c>, <c>enabled</c>, <c>subobjects</c> and <c>properties</c>.</summary>
    public void WriteObjectOptions(Utf8JsonWriter writer)
    {
        if (Dynamic is { } dynamic)
        {
            writer.WriteString("dynamic", dynamic);
        }

        if (!Enabled)
        {
            writer.WriteBoolean("enabled", false);
        }

        if (Subobjects is { } subobjects)
        {
            writer.WriteBoolean("subobjects", subobjects);
        }

        if (Properties.Count > 0)
        {
            writer.WriteStartObject("properties");
            foreach (var property in Properties.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }
    }
}
