using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>The field types the Elasticsearch stand-in distinguishes.</summary>
public enum StandInFieldType
{
    /// <summary>No document of the index has the field.</summary>
    Unmapped,

    /// <summary>Exact, case-sensitive values (keyword, constant_keyword, wildcard).</summary>
    Keyword,

    /// <summary>Analysed into lowercase words.</summary>
    Text,

    /// <summary>date or date_nanos.</summary>
    Date,

    Number,
    Boolean,
    Object,
}

/// <summary>
/// An index's mapping as far as the stand-in needs it: the explicit properties and dynamic
/// templates of the index template that matched when the index was created, then Elasticsearch's
/// dynamic mapping (strings become text with a <c>.keyword</c> sub-field, <c>@timestamp</c> a
/// date) for fields first seen in a document.
/// </summary>
public sealed class ElasticsearchStandInMapping
{
    private readonly Dictionary<string, StandInFieldType> _explicit = new(StringComparer.Ordinal);
    private readonly List<(string PathMatch, string? MatchType, StandInFieldType Type)> _dynamicTemplates = [];
    private readonly Dictionary<string, StandInFieldType> _dynamic = new(StringComparer.Ordinal);

    /// <summary>The mapping an index created with no template (or <paramref name="template"/>'s <c>template.mappings</c>) gets.</summary>
    public static ElasticsearchStandInMapping From(JsonElement? template)
    {
        var mapping = new ElasticsearchStandInMapping();
        if (template is not { ValueKind: JsonValueKind.Object } body
            || !body.TryGetProperty("template", out var inner) || inner.ValueKind != JsonValueKind.Object
            || !inner.TryGetProperty("mappings", out var mappings) || mappings.ValueKind != JsonValueKind.Object)
        {
            return mapping;
        }

        if (mappings.TryGetProperty("properties", out var properties))
        {
            mapping.ReadProperties(properties, "");
        }

        if (mappings.TryGetProperty("dynamic_templates", out var templates) && templates.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in templates.EnumerateArray())
            {
                foreach (var named in entry.EnumerateObject())
                {
                    var definition = named.Value;
                    var pathMatch = definition.TryGetProperty("path_match", out var p) ? p.GetString() : null;
                    pathMatch ??= definition.TryGetProperty("match", out var m) ? m.GetString() : null;
                    var matchType = definition.TryGetProperty("match_mapping_type", out var t) ? t.GetString() : null;
                    var type = definition.TryGetProperty("mapping", out var map) && map.TryGetProperty("type", out var mt)
                        ? MappingType(mt.GetString())
                        : StandInFieldType.Unmapped;
                    if (pathMatch is not null && type != StandInFieldType.Unmapped)
                    {
                        mapping._dynamicTemplates.Add((pathMatch, matchType, type));
                    }
                }
            }
        }

        return mapping;
    }

    /// <summary>The field's type, or <see cref="StandInFieldType.Unmapped"/> when no document had it.</summary>
    public StandInFieldType TypeOf(string path)
    {
        if (path is "_id" or "_index")
        {
            return StandInFieldType.Keyword;
        }

        lock (_dynamic)
        {
            if (_explicit.TryGetValue(path, out var type) || _dynamic.TryGetValue(path, out type))
            {
                return type;
            }

            // Dynamic mapping gives every text field a keyword sub-field.
            if (path.EndsWith(".keyword", StringComparison.Ordinal)
                && _dynamic.TryGetValue(path[..^".keyword".Length], out var parent) && parent == StandInFieldType.Text)
            {
                return StandInFieldType.Keyword;
            }
        }

        return StandInFieldType.Unmapped;
    }

    /// <summary>
    /// Checks a document against the mapping and adds its new fields, as indexing does; returns
    /// the Elasticsearch error (type, reason) when a value does not fit its field.
    /// </summary>
    public (string Type, string Reason)? Index(JsonElement source, string id)
    {
        lock (_dynamic)
        {
            var added = new List<string>();
            var error = Check(source, "", id, added);
            if (error is not null)
            {
                foreach (var path in added)
                {
                    _dynamic.Remove(path);
                }
            }

            return error;
        }
    }

    private (string Type, string Reason)? Check(JsonElement node, string prefix, string id, List<string> added)
    {
        foreach (var member in node.EnumerateObject())
        {
            var path = prefix.Length == 0 ? member.Name : $"{prefix}.{member.Name}";
            if (prefix.Length == 0 && member.Name is "_id" or "_index" or "_source" or "_routing" or "_version" or "_seq_no")
            {
                return ("document_parsing_exception",
                    $"[1:2] Field [{member.Name}] is a metadata field and cannot be added inside a document. Use the index API request parameters.");
            }

            var error = CheckValue(member.Value, path, id, added);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private (string Type, string Reason)? CheckValue(JsonElement value, string path, string id, List<string> added)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (CheckValue(item, path, id, added) is { } error)
                    {
                        return error;
                    }
                }

                return null;
        }

        var seen = Known(path);
        var kind = value.ValueKind switch
        {
            JsonValueKind.Object => StandInFieldType.Object,
            JsonValueKind.Number => StandInFieldType.Number,
            JsonValueKind.True or JsonValueKind.False => StandInFieldType.Boolean,
            _ => StandInFieldType.Text,
        };
        if (seen == StandInFieldType.Unmapped)
        {
            seen = Dynamic(path, kind);
            _dynamic[path] = seen;
            added.Add(path);
        }

        if (seen == StandInFieldType.Object)
        {
            return kind == StandInFieldType.Object
                ? Check(value, path, id, added)
                : ("document_parsing_exception",
                    $"[1:2] object mapping for [{path}] tried to parse field [{path}] as object, but found a concrete value");
        }

        if (kind == StandInFieldType.Object)
        {
            return ("document_parsing_exception",
                $"[1:2] failed to parse field [{path}] of type [{Name(seen)}] in document with id '{id}'. Preview of field's value: '{value.GetRawText()}'");
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var fits = seen switch
        {
            StandInFieldType.Number => ElasticsearchStandInText.TryParseNumber(text, out _),
            StandInFieldType.Boolean => text is "true" or "false",
            StandInFieldType.Date => Pipeline.Grains.Search.Kql.KqlTimestamp.TryParse(text, out _, out _),
            _ => true,
        };
        return fits
            ? null
            : ("document_parsing_exception",
                $"[1:2] failed to parse field [{path}] of type [{Name(seen)}] in document with id '{id}'. Preview of field's value: '{text}'");
    }

    private StandInFieldType Known(string path) =>
        _explicit.TryGetValue(path, out var type) || _dynamic.TryGetValue(path, out type) ? type : StandInFieldType.Unmapped;

    private StandInFieldType Dynamic(string path, StandInFieldType kind)
    {
        foreach (var (pathMatch, matchType, type) in _dynamicTemplates)
        {
            var typeFits = matchType is null or "*"
                || (matchType == "string" && kind == StandInFieldType.Text)
                || (matchType == "object" && kind == StandInFieldType.Object)
                || (matchType is "long" or "double" && kind == StandInFieldType.Number)
                || (matchType == "boolean" && kind == StandInFieldType.Boolean);
            if (typeFits && ElasticsearchStandInText.WildcardMatches(pathMatch, path))
            {
                return type;
            }
        }

        return path == "@timestamp" && kind == StandInFieldType.Text ? StandInFieldType.Date : kind;
    }

    private void ReadProperties(JsonElement properties, string prefix)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (property.Value.TryGetProperty("properties", out var nested))
            {
                _explicit[path] = StandInFieldType.Object;
                ReadProperties(nested, path);
            }
            else if (property.Value.TryGetProperty("type", out var type))
            {
                _explicit[path] = MappingType(type.GetString());
            }
        }
    }

    private static StandInFieldType MappingType(string? type) => type switch
    {
        "keyword" or "constant_keyword" or "wildcard" => StandInFieldType.Keyword,
        "text" or "match_only_text" => StandInFieldType.Text,
        "date" or "date_nanos" => StandInFieldType.Date,
        "long" or "integer" or "short" or "byte" or "double" or "float" or "half_float" or "scaled_float" or "unsigned_long" => StandInFieldType.Number,
        "boolean" => StandInFieldType.Boolean,
        "object" => StandInFieldType.Object,
        _ => StandInFieldType.Unmapped,
    };

    private static string Name(StandInFieldType type) => type switch
    {
        StandInFieldType.Number => "long",
        StandInFieldType.Date => "date",
        _ => type.ToString().ToLowerInvariant(),
    };
}
