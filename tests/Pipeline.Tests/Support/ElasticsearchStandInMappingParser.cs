using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Reads a <c>mappings</c> definition (of an index template or a create-index request) into an
/// <see cref="ElasticsearchStandInMapping"/>, refusing what Elasticsearch refuses with its
/// messages: unknown root parameters, unknown field types ("No handler for type [foo] declared on
/// field [bar]"), unknown mapping parameters ("unknown parameter [properties] on mapper [labels] of
/// type [flattened]"), analyzers and normalizers the index does not define, and objects below
/// <c>subobjects: false</c> that cannot be auto-flattened. Dotted property names become objects
/// where subobjects are allowed and stay leaf names where they are not.
/// <para>
/// The error thrown is the inner one (<c>mapper_parsing_exception</c> or
/// <c>illegal_argument_exception</c>); <see cref="ElasticsearchStandInMapping.Parse"/> wraps it in
/// "Failed to parse mapping: …" as Elasticsearch's MapperService does. Parameter values are not
/// checked beyond what the stand-in uses.
/// </para>
/// </summary>
internal sealed class ElasticsearchStandInMappingParser(ElasticsearchStandInAnalysis analysis)
{
    private static readonly string[] RootParameters =
    [
        "properties", "dynamic", "dynamic_templates", "date_detection", "numeric_detection", "dynamic_date_formats", "subobjects",
        "enabled", "_source", "_meta", "_routing", "runtime", "_data_stream_timestamp", "_field_names", "_doc_count",
    ];

    private static readonly string[] ObjectParameters = ["type", "properties", "dynamic", "enabled", "subobjects", "synthetic_source_keep", "store_array_source"];

    private static readonly string[] Common = ["type", "meta", "fields", "copy_to", "store", "doc_values", "index", "synthetic_source_keep"];

    private static readonly string[] Scripted = ["script", "on_script_error"];

    private static readonly Dictionary<string, string[]> FieldParameters = new(StringComparer.Ordinal)
    {
        ["keyword"] = [.. Common, .. Scripted, "index_options", "norms", "eager_global_ordinals", "ignore_above", "null_value", "normalizer",
            "similarity", "split_queries_on_whitespace", "time_series_dimension"],
        ["text"] = [.. Common, "index_options", "norms", "analyzer", "search_analyzer", "search_quote_analyzer", "position_increment_gap",
            "index_phrases", "index_prefixes", "fielddata", "fielddata_frequency_filter", "eager_global_ordinals", "similarity", "term_vector"],
        ["match_only_text"] = ["type", "meta", "fields", "copy_to"],
        ["date"] = [.. Common, .. Scripted, "format", "locale", "ignore_malformed", "null_value"],
        ["boolean"] = [.. Common, .. Scripted, "null_value", "ignore_malformed", "time_series_dimension"],
        ["flattened"] = ["type", "meta", "depth_limit", "doc_values", "eager_global_ordinals", "ignore_above", "index", "index_options",
            "null_value", "similarity", "split_queries_on_whitespace", "time_series_dimensions"],
        ["constant_keyword"] = ["type", "meta", "value"],
        ["wildcard"] = ["type", "meta", "fields", "copy_to", "ignore_above", "null_value"],
        ["ip"] = [.. Common, .. Scripted, "ignore_malformed", "null_value", "time_series_dimension"],
    };

    private static readonly string[] NumericParameters = [.. Common, .. Scripted, "coerce", "ignore_malformed", "null_value", "time_series_metric", "time_series_dimension"];

    // Types Elasticsearch 9 has whose parameters the stand-in does not check; their values are searched as keywords.
    private static readonly string[] Lenient =
    [
        "geo_point", "geo_shape", "shape", "point", "binary", "alias", "version", "token_count", "search_as_you_type", "completion",
        "dense_vector", "sparse_vector", "rank_feature", "rank_features", "histogram", "aggregate_metric_double", "semantic_text",
        "percolator", "join", "counted_keyword", "integer_range", "float_range", "long_range", "double_range", "date_range", "ip_range",
    ];

    private static readonly HashSet<string> Numeric = new(StringComparer.Ordinal)
    {
        "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long",
    };

    /// <summary>Reads the mapping body; <paramref name="settings"/> (and the analysis given at construction) belong to the index.</summary>
    public ElasticsearchStandInMapping Parse(JsonElement? mappings, ElasticsearchStandInIndexSettings settings)
    {
        var body = mappings is { ValueKind: JsonValueKind.Object } m ? m : JsonDocument.Parse("{}").RootElement;
        if (body.EnumerateObject().ToList() is [{ Name: "_doc", Value.ValueKind: JsonValueKind.Object } typed])
        {
            body = typed.Value;
        }

        var unknown = body.EnumerateObject().Where(p => !RootParameters.Contains(p.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw Mapper("Root mapping definition has unsupported parameters: " + Remaining(unknown));
        }

        var root = new ElasticsearchStandInField
        {
            Name = "_doc",
            Path = "",
            Type = "object",
            Subobjects = Bool(body, "subobjects"),
            Dynamic = DynamicValue(body),
            Enabled = Bool(body, "enabled") ?? true,
        };
        var templates = new List<ElasticsearchStandInDynamicTemplate>();
        if (body.TryGetProperty("dynamic_templates", out var dynamicTemplates) && dynamicTemplates.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in dynamicTemplates.EnumerateArray())
            {
                foreach (var named in entry.EnumerateObject())
                {
                    templates.Add(DynamicTemplate(named.Name, named.Value));
                }
            }
        }

        if (body.TryGetProperty("properties", out var properties))
        {
            ParseProperties(root, properties, root.Dynamic ?? "true");
        }

        List<string> formats = body.TryGetProperty("dynamic_date_formats", out var f) && f.ValueKind == JsonValueKind.Array
            ? [.. f.EnumerateArray().Select(e => e.GetString()!)]
            : [.. ElasticsearchStandInDates.DefaultDynamicFormats];
        return new ElasticsearchStandInMapping(root, templates, settings, analysis)
        {
            DateDetection = Bool(body, "date_detection") ?? true,
            NumericDetection = Bool(body, "numeric_detection") ?? false,
            DynamicDateFormats = formats,
        };
    }

    /// <summary>Builds a field from a definition (a template's <c>mapping</c> or a dynamic mapping), below <paramref name="parent"/>.</summary>
    public ElasticsearchStandInField Field(ElasticsearchStandInField parent, string name, JsonElement definition, string parentDynamic)
    {
        var type = TypeOf(name, definition);
        return type is "object" or "nested" ? ObjectField(parent, name, type, definition, parentDynamic) : LeafField(Join(parent.Path, name), name, type, definition);
    }

    private void ParseProperties(ElasticsearchStandInField parent, JsonElement properties, string parentDynamic)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw Mapper($"Expected map for property [properties] on field [{parent.Name}]");
        }

        foreach (var property in properties.EnumerateObject())
        {
            AddProperty(parent, property.Name, property.Value, parentDynamic);
        }
    }

    private void AddProperty(ElasticsearchStandInField parent, string name, JsonElement definition, string parentDynamic)
    {
        if (name.Length == 0)
        {
            throw Illegal("field name cannot be an empty string");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw Illegal($"field name cannot contain only whitespace: ['{name}']");
        }

        if (definition.ValueKind != JsonValueKind.Object)
        {
            throw Mapper($"Expected map for property [fields] on field [{name}] but got a class java.lang.String");
        }

        if (parent.AllowsSubobjects && name.Contains('.', StringComparison.Ordinal))
        {
            var parts = name.Split('.');
            if (parts.Any(p => p.Length == 0))
            {
                throw Illegal(parts.All(p => p.Length == 0)
                    ? $"field name cannot contain only dots: [{name}]"
                    : $"object field starting or ending with a [.] makes object resolution ambiguous: [{name}]");
            }

            var holder = parent;
            foreach (var part in parts[..^1])
            {
                if (!holder.Properties.TryGetValue(part, out var next))
                {
                    next = new ElasticsearchStandInField { Name = part, Path = Join(holder.Path, part), Type = "object" };
                    holder.Properties[part] = next;
                }
                else if (!next.IsObject)
                {
                    throw Illegal($"can't merge a non object mapping [{next.Path}] with an object mapping");
                }

                holder = next;
            }

            AddProperty(holder, parts[^1], definition, parentDynamic);
            return;
        }

        var type = TypeOf(name, definition);
        if (type is "object" or "nested" && !parent.AllowsSubobjects)
        {
            Flatten(parent, name, type, definition, parentDynamic);
            return;
        }

        var field = type is "object" or "nested" ? ObjectField(parent, name, type, definition, parentDynamic) : LeafField(Join(parent.Path, name), name, type, definition);
        if (parent.Properties.TryGetValue(name, out var existing))
        {
            if (existing.IsObject != field.IsObject)
            {
                throw Illegal(existing.IsObject
                    ? $"can't merge a non object mapping [{field.Path}] with an object mapping"
                    : $"mapper [{existing.Path}] cannot be changed from type [{existing.Type}] to [ObjectMapper]");
            }

            if (existing.IsObject)
            {
                foreach (var (childName, child) in field.Properties)
                {
                    existing.Properties[childName] = child;
                }

                return;
            }
        }

        parent.Properties[name] = field;
    }

    // Below subobjects: false an object's properties become dotted leaf names of the parent (ES >= 8.10).
    private void Flatten(ElasticsearchStandInField parent, string name, string type, JsonElement definition, string parentDynamic)
    {
        var path = Join(parent.Path, name);
        if (type == "nested")
        {
            throw Mapper($"Tried to add nested object [{name}] to object [{(parent.Path.Length == 0 ? "_doc" : parent.Path)}] which does not support subobjects");
        }

        CheckObjectParameters(name, definition);
        string? reason = null;
        if (Bool(definition, "enabled") == false)
        {
            reason = "the value of [enabled] is [false]";
        }
        else if (DynamicValue(definition) is { } dynamic && dynamic != parentDynamic)
        {
            reason = $"the value of [dynamic] ({dynamic.ToUpperInvariant()}) is not compatible with the value from its parent context ({parentDynamic.ToUpperInvariant()})";
        }
        else if (Bool(definition, "subobjects") == true)
        {
            reason = "the value of [subobjects] is [true]";
        }

        if (reason is not null)
        {
            throw Mapper($"Object mapper [{path}] was found in a context where subobjects is set to false. Auto-flattening [{path}] failed because {reason}");
        }

        if (definition.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                AddProperty(parent, name + "." + property.Name, property.Value, parentDynamic);
            }
        }
    }

    private ElasticsearchStandInField ObjectField(ElasticsearchStandInField parent, string name, string type, JsonElement definition, string parentDynamic)
    {
        CheckObjectParameters(name, definition, type == "nested" ? ["include_in_parent", "include_in_root"] : []);
        var field = new ElasticsearchStandInField
        {
            Name = name,
            Path = Join(parent.Path, name),
            Type = type,
            Subobjects = Bool(definition, "subobjects"),
            Dynamic = DynamicValue(definition),
            Enabled = Bool(definition, "enabled") ?? true,
        };
        if (definition.TryGetProperty("properties", out var properties))
        {
            ParseProperties(field, properties, field.Dynamic ?? parentDynamic);
        }

        return field;
    }

    private ElasticsearchStandInField LeafField(string path, string name, string type, JsonElement definition)
    {
        string[] allowed;
        if (Numeric.Contains(type))
        {
            allowed = type == "scaled_float" ? [.. NumericParameters, "scaling_factor"] : NumericParameters;
        }
        else if (type is "date_nanos")
        {
            allowed = FieldParameters["date"];
        }
        else if (FieldParameters.TryGetValue(type, out var known))
        {
            allowed = known;
        }
        else if (Lenient.Contains(type))
        {
            allowed = [.. definition.EnumerateObject().Select(p => p.Name)];
        }
        else
        {
            throw Mapper($"No handler for type [{type}] declared on field [{name}]");
        }

        if (definition.EnumerateObject().Select(p => p.Name).FirstOrDefault(p => !allowed.Contains(p)) is { } extra)
        {
            throw Mapper($"unknown parameter [{extra}] on mapper [{name}] of type [{type}]");
        }

        foreach (var key in new[] { "analyzer", "search_analyzer", "search_quote_analyzer" })
        {
            if (String(definition, key) is { } analyzerName && analysis.Analyzer(analyzerName) is null)
            {
                throw Illegal($"analyzer [{analyzerName}] has not been configured in mappings");
            }
        }

        if (String(definition, "normalizer") is { } normalizer && analysis.Normalizer(normalizer) is null)
        {
            throw Mapper($"normalizer [{normalizer}] not found for field [{name}]");
        }

        var field = new ElasticsearchStandInField
        {
            Name = name,
            Path = path,
            Type = type,
            IgnoreAbove = Int(definition, "ignore_above"),
            IgnoreMalformed = Bool(definition, "ignore_malformed"),
            Coerce = Bool(definition, "coerce") ?? true,
            Index = Bool(definition, "index") ?? true,
            Analyzer = String(definition, "analyzer"),
            SearchAnalyzer = String(definition, "search_analyzer"),
            Normalizer = String(definition, "normalizer"),
            Format = String(definition, "format"),
            ConstantValue = String(definition, "value"),
            Definition = definition.Clone(),
        };
        if (definition.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object)
        {
            foreach (var sub in fields.EnumerateObject())
            {
                var subType = sub.Value.ValueKind == JsonValueKind.Object && sub.Value.TryGetProperty("type", out var t) ? t.GetString()! : throw Mapper($"No type specified for field [{sub.Name}]");
                if (subType is "object" or "nested")
                {
                    throw Mapper($"Type [{subType}] cannot be used in multi field");
                }

                field.Fields[sub.Name] = LeafField(path + "." + sub.Name, sub.Name, subType, sub.Value);
            }
        }

        return field;
    }

    private static ElasticsearchStandInDynamicTemplate DynamicTemplate(string name, JsonElement definition)
    {
        var template = new ElasticsearchStandInDynamicTemplate
        {
            Name = name,
            MatchMappingTypes = Strings(definition, "match_mapping_type"),
            Match = Strings(definition, "match"),
            Unmatch = Strings(definition, "unmatch"),
            PathMatch = Strings(definition, "path_match"),
            PathUnmatch = Strings(definition, "path_unmatch"),
            Regex = String(definition, "match_pattern") == "regex",
            Mapping = definition.TryGetProperty("mapping", out var mapping) ? mapping.Clone() : JsonDocument.Parse("{}").RootElement.Clone(),
        };
        if (template.Mapping.TryGetProperty("type", out var type) && type.GetString() is { } typeName && !typeName.Contains('{', StringComparison.Ordinal)
            && !FieldParameters.ContainsKey(typeName) && !Numeric.Contains(typeName) && typeName is not ("date_nanos" or "object" or "nested") && !Lenient.Contains(typeName))
        {
            var types = template.MatchMappingTypes.Count == 0 ? "[object, string, long, double, boolean, date, binary]" : "[" + string.Join(", ", template.MatchMappingTypes) + "]";
            throw Illegal($"dynamic template [{name}] has invalid content [{definition.GetRawText()}], attempted to validate it with the following match_mapping_type: {types}");
        }

        return template;
    }

    private static string TypeOf(string name, JsonElement definition)
    {
        if (definition.TryGetProperty("type", out var type))
        {
            return type.GetString()!;
        }

        if (definition.TryGetProperty("properties", out _) || (definition.EnumerateObject().Count() == 1 && definition.TryGetProperty("enabled", out _)))
        {
            return "object";
        }

        throw Mapper($"No type specified for field [{name}]");
    }

    private static void CheckObjectParameters(string name, JsonElement definition, string[]? more = null)
    {
        var unknown = definition.EnumerateObject().Where(p => !ObjectParameters.Contains(p.Name) && !(more ?? []).Contains(p.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw Mapper($"Mapping definition for [{name}] has unsupported parameters: " + Remaining(unknown));
        }
    }

    // What Java prints for the left-over entries of the parameter map: " [name : value]" each.
    private static string Remaining(IEnumerable<JsonProperty> properties)
    {
        var builder = new StringBuilder();
        foreach (var property in properties)
        {
            builder.Append(" [").Append(property.Name).Append(" : ").Append(JavaText(property.Value)).Append(']');
        }

        return builder.ToString();
    }

    private static string JavaText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().Select(p => p.Name + "=" + JavaText(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(JavaText)) + "]",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };

    private static string? DynamicValue(JsonElement definition) =>
        definition.TryGetProperty("dynamic", out var dynamic)
            ? dynamic.ValueKind switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => dynamic.GetString()!.ToLowerInvariant(),
            }
            : null;

    private static bool? Bool(JsonElement definition, string key) =>
        definition.TryGetProperty(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String => value.GetString() == "true",
                _ => null,
            }
            : null;

    private static int? Int(JsonElement definition, string key) =>
        definition.TryGetProperty(key, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetInt32() : int.TryParse(value.GetString(), out var parsed) ? parsed : null
            : null;

    private static string? String(JsonElement definition, string key) =>
        definition.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    private static List<string> Strings(JsonElement definition, string key) =>
        !definition.TryGetProperty(key, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)]
        : [value.GetString()!];

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    private static ElasticsearchStandInRequestException Mapper(string reason) => new(400, new ElasticsearchStandInError("mapper_parsing_exception", reason));

    private static ElasticsearchStandInRequestException Illegal(string reason) => new(400, new ElasticsearchStandInError("illegal_argument_exception", reason));
}
