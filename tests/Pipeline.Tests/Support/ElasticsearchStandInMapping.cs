using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// An index's mapping as far as the stand-in needs it: the explicit properties and dynamic
/// templates of the index template that matched when the index was created, then Elasticsearch's
/// dynamic mapping (strings become text with a <c>.keyword</c> sub-field, <c>@timestamp</c> a
/// date) for fields first seen in a document.
/// </summary>
public sealed class ElasticsearchStandInMapping
{
    private readonly Dictionary<string, ElasticsearchStandInFieldType> _explicit = new(StringComparer.Ordinal);
    private readonly List<(string PathMatch, string? MatchType, ElasticsearchStandInFieldType Type)> _dynamicTemplates = [];
    private readonly Dictionary<string, ElasticsearchStandInFieldType> _dynamic = new(StringComparer.Ordinal);

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
                        : ElasticsearchStandInFieldType.Unmapped;
                    if (pathMatch is not null && type != ElasticsearchStandInFieldType.Unmapped)
                    {
                        mapping._dynamicTemplates.Add((pathMatch, matchType, type));
                    }
                }
            }
        }

        return mapping;
    }

    /// <summary>The field's type, or <see cref="ElasticsearchStandInFieldType.Unmapped"/> when no document had it.</summary>
    public ElasticsearchStandInFieldType TypeOf(string path)
    {
        if (path is "_id" or "_index")
        {
            return ElasticsearchStandInFieldType.Keyword;
        }

        lock (_dynamic)
        {
            if (_explicit.TryGetValue(path, out var type) || _dynamic.TryGetValue(path, out type))
            {
                return type;
            }

            // Dynamic mapping gives every text field a keyword sub-field.
            if (path.EndsWith(".keyword", StringComparison.Ordinal)
                && _dynamic.TryGetValue(path[..^".keyword".Length], out var parent) && parent == ElasticsearchStandInFieldType.Text)
            {
                return ElasticsearchStandInFieldType.Keyword;
            }
        }

        return ElasticsearchStandInFieldType.Unmapped;
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
            JsonValueKind.Object => ElasticsearchStandInFieldType.Object,
            JsonValueKind.Number => ElasticsearchStandInFieldType.Number,
            JsonValueKind.True or JsonValueKind.False => ElasticsearchStandInFieldType.Boolean,
            _ => ElasticsearchStandInFieldType.Text,
        };
        if (seen == ElasticsearchStandInFieldType.Unmapped)
        {
            seen = Dynamic(path, kind);
            _dynamic[path] = seen;
            added.Add(path);
        }

        if (seen == ElasticsearchStandInFieldType.Object)
        {
            return kind == ElasticsearchStandInFieldType.Object
                ? Check(value, path, id, added)
                : ("document_parsing_exception",
                    $"[1:2] object mapping for [{path}] tried to parse field [{path}] as object, but found a concrete value");
        }

        if (kind == ElasticsearchStandInFieldType.Object)
        {
            return ("document_parsing_exception",
                $"[1:2] failed to parse field [{path}] of type [{Name(seen)}] in document with id '{id}'. Preview of field's value: '{value.GetRawText()}'");
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var fits = seen switch
        {
            ElasticsearchStandInFieldType.Number => ElasticsearchStandInText.TryParseNumber(text, out _),
            ElasticsearchStandInFieldType.Boolean => text is "true" or "false",
            ElasticsearchStandInFieldType.Date => Pipeline.Grains.Search.Kql.KqlTimestamp.TryParse(text, out _, out _),
            _ => true,
        };
        return fits
            ? null
            : ("document_parsing_exception",
                $"[1:2] failed to parse field [{path}] of type [{Name(seen)}] in document with id '{id}'. Preview of field's value: '{text}'");
    }

    private ElasticsearchStandInFieldType Known(string path) =>
        _explicit.TryGetValue(path, out var type) || _dynamic.TryGetValue(path, out type) ? type : ElasticsearchStandInFieldType.Unmapped;

    private ElasticsearchStandInFieldType Dynamic(string path, ElasticsearchStandInFieldType kind)
    {
        foreach (var (pathMatch, matchType, type) in _dynamicTemplates)
        {
            var typeFits = matchType is null or "*"
                || (matchType == "string" && kind == ElasticsearchStandInFieldType.Text)
                || (matchType == "object" && kind == ElasticsearchStandInFieldType.Object)
                || (matchType is "long" or "double" && kind == ElasticsearchStandInFieldType.Number)
                || (matchType == "boolean" && kind == ElasticsearchStandInFieldType.Boolean);
            if (typeFits && ElasticsearchStandInText.WildcardMatches(pathMatch, path))
            {
                return type;
            }
        }

        return path == "@timestamp" && kind == ElasticsearchStandInFieldType.Text ? ElasticsearchStandInFieldType.Date : kind;
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
                _explicit[path] = ElasticsearchStandInFieldType.Object;
                ReadProperties(nested, path);
            }
            else if (property.Value.TryGetProperty("type", out var type))
            {
                _explicit[path] = MappingType(type.GetString());
            }
        }
    }

    private static ElasticsearchStandInFieldType MappingType(string? type) => type switch
    {
        "keyword" or "constant_keyword" or "wildcard" => ElasticsearchStandInFieldType.Keyword,
        "text" or "match_only_text" => ElasticsearchStandInFieldType.Text,
        "date" or "date_nanos" => ElasticsearchStandInFieldType.Date,
        "long" or "integer" or "short" or "byte" or "double" or "float" or "half_float" or "scaled_float" or "unsigned_long" => ElasticsearchStandInFieldType.Number,
        "boolean" => ElasticsearchStandInFieldType.Boolean,
        "object" => ElasticsearchStandInFieldType.Object,
        _ => ElasticsearchStandInFieldType.Unmapped,
    };

    private static string Name(ElasticsearchStandInFieldType type) => type switch
    {
        ElasticsearchStandInFieldType.Number => "long",
        ElasticsearchStandInFieldType.Date => "date",
        _ => type.ToString().ToLowerInvariant(),
    };
}
