using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Indexes one document against a mapping the way Elasticsearch 9's <c>DocumentParser</c> does:
/// <list type="bullet">
/// <item>Where the root allows subobjects a dotted name is expanded into objects
/// (<c>app.kubernetes.io/name</c> is <c>app</c> → <c>kubernetes</c> → <c>io/name</c>), except
/// inside an object with <c>subobjects: false</c>; there an object value is flattened into
/// dotted leaf names instead.</item>
/// <item>A field already mapped parses its value or refuses the document; a new field gets a
/// dynamic template or the default dynamic mapping (strings: <c>text</c> with a <c>keyword</c>
/// sub-field, <c>ignore_above: 256</c>; dates by <c>date_detection</c>; numbers <c>long</c> or
/// <c>float</c>), subject to <c>dynamic</c> and the total fields limit.</item>
/// <item>As in Elasticsearch, lookups see only the mapping as it was before the document: fields
/// the document adds are merged at the end, so the same name mapped two ways in one document
/// (<c>{"app":"web","app.x":1}</c>, or <c>[1, 2.5]</c>) fails that merge with an
/// <c>illegal_argument_exception</c>, while a later document meeting a conflicting mapping fails
/// parsing with a <c>document_parsing_exception</c>.</item>
/// <item>Terms longer than Lucene's 32766 bytes fail when indexed, after parsing and merging.</item>
/// </list>
/// Locations (<c>[1:42]</c>) point at the value's first byte; Elasticsearch reports the parser's
/// position when it failed, which for an object value is its end, so columns are approximate.
/// </summary>
internal sealed class ElasticsearchStandInDocumentParser
{
    private const int MaxTermBytes = 32766;

    private static readonly HashSet<string> MetadataFields = new(StringComparer.Ordinal)
    {
        "_id", "_index", "_source", "_routing", "_version", "_seq_no", "_primary_term", "_ignored", "_field_names", "_tier",
        "_data_stream_timestamp", "_nested_path", "_ignored_source",
    };

    private readonly ElasticsearchStandInMapping _mapping;
    private readonly ElasticsearchStandInMappingParser _fields;
    private readonly string _id;
    private readonly IReadOnlyDictionary<string, string> _forcedTemplates;
    private readonly Dictionary<string, ElasticsearchStandInField> _pending = new(StringComparer.Ordinal);
    private readonly List<(ElasticsearchStandInField Parent, ElasticsearchStandInField Field)> _added = [];
    private readonly List<string> _ignored = [];
    private readonly Dictionary<string, List<ElasticsearchStandInIndexedValue>> _values = new(StringComparer.Ordinal);
    private ElasticsearchStandInError? _mergeConflict;
    private ElasticsearchStandInError? _indexingError;
    private int _newFieldsSize;

    public ElasticsearchStandInDocumentParser(ElasticsearchStandInMapping mapping, string id, IReadOnlyDictionary<string, string>? forcedTemplates)
    {
        _mapping = mapping;
        _fields = new ElasticsearchStandInMappingParser(mapping.Analysis);
        _id = id;
        _forcedTemplates = forcedTemplates ?? new Dictionary<string, string>();
    }

    /// <summary>The new fields, each with the object it goes under, to add when the document is accepted.</summary>
    public IReadOnlyList<(ElasticsearchStandInField Parent, ElasticsearchStandInField Field)> Added => _added;

    public ElasticsearchStandInParsedDocument Parse(ElasticsearchStandInSourceValue source, bool dataStream, int sourceLength)
    {
        try
        {
            var root = _mapping.Root;
            if (root.Enabled)
            {
                InnerParseObject(new Context(root, root.Dynamic ?? "true", !root.AllowsSubobjects, ""), source);
            }

            if (dataStream && !_values.ContainsKey("@timestamp"))
            {
                throw Failure(Wrapped($"[1:{sourceLength}] ", "data stream timestamp field [@timestamp] is missing"));
            }
        }
        catch (ParseFailure failure)
        {
            return ElasticsearchStandInParsedDocument.Refused(failure.Error);
        }

        if ((_mergeConflict ?? _indexingError) is { } error)
        {
            return ElasticsearchStandInParsedDocument.Refused(error);
        }

        return new ElasticsearchStandInParsedDocument(
            _values.ToDictionary(v => v.Key, v => (IReadOnlyList<ElasticsearchStandInIndexedValue>)v.Value, StringComparer.Ordinal),
            [.. _ignored.Distinct(StringComparer.Ordinal)],
            null);
    }

    private void InnerParseObject(Context context, ElasticsearchStandInSourceValue value)
    {
        foreach (var (rawName, member) in value.Members)
        {
            var name = context.Prefix + rawName;
            if (rawName.Length == 0)
            {
                throw Failure(Wrapped(member.Location, "Field name cannot be an empty string"));
            }

            if (string.IsNullOrWhiteSpace(rawName))
            {
                throw Failure(Document(member, $"Field name cannot contain only whitespace: [{Join(context.Object.Path, name)}]"));
            }

            if (context.Object == _mapping.Root && context.Prefix.Length == 0 && MetadataFields.Contains(rawName))
            {
                throw Failure(Document(member, $"Field [{rawName}] is a metadata field and cannot be added inside a document. Use the index API request parameters."));
            }

            var current = member;
            if (_mapping.Root.AllowsSubobjects && !context.WithinLeaf && name.Contains('.', StringComparison.Ordinal))
            {
                var parts = name.Split('.');
                if (parts.All(p => p.Length == 0))
                {
                    throw Failure(Wrapped(member.Location, $"field name cannot contain only dots: [{name}]"));
                }

                if (parts.Any(p => p.Length == 0))
                {
                    throw Failure(Wrapped(member.Location, $"object field starting or ending with a [.] makes object resolution ambiguous: [{name}]"));
                }

                for (var i = parts.Length - 1; i >= 1; i--)
                {
                    current = ElasticsearchStandInSourceValue.Synthetic(parts[i], current);
                }

                name = parts[0];
            }

            Dispatch(context, name, current);
        }
    }

    private void Dispatch(Context context, string name, ElasticsearchStandInSourceValue value)
    {
        switch (value.Kind)
        {
            case JsonValueKind.Object:
                ParseObjectMember(context, name, value);
                break;
            case JsonValueKind.Array:
                ParseArray(context, name, value);
                break;
            case JsonValueKind.Null:
                if (Lookup(context, name) is null)
                {
                    EnsureNotStrict(context, name, value);
                }

                break;
            default:
                ParseScalar(context, name, value);
                break;
        }
    }

    private static ElasticsearchStandInField? Lookup(Context context, string name) => context.Object.Properties.GetValueOrDefault(name);

    private void ParseObjectMember(Context context, string name, ElasticsearchStandInSourceValue value)
    {
        if (Lookup(context, name) is { } mapper)
        {
            DoParseObject(context, name, mapper, value);
        }
        else if (HasMappedFieldsWithPrefix(context, name))
        {
            // Below subobjects: false an unmapped object whose dotted leaves are mapped is flattened, even with dynamic: false.
            InnerParseObject(context with { Prefix = name + "." }, value);
        }
        else
        {
            ParseObjectDynamic(context, name, value);
        }
    }

    private static bool HasMappedFieldsWithPrefix(Context context, string name) =>
        !context.Object.AllowsSubobjects && context.Object.Properties.Keys.Any(k => k.StartsWith(name + ".", StringComparison.Ordinal));

    private void DoParseObject(Context context, string name, ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        if (mapper.IsObject)
        {
            ParseObjectOrNested(Child(context, mapper), mapper, name, value);
        }
        else if (value.Kind == JsonValueKind.Object && !context.Object.AllowsSubobjects && mapper.Type != "flattened")
        {
            // A leaf below subobjects: false receiving an object: its members become dotted leaves.
            InnerParseObject(context with { Prefix = name + "." }, value);
        }
        else
        {
            ParseField(context, mapper, value);
        }
    }

    private void ParseObjectOrNested(Context context, ElasticsearchStandInField mapper, string name, ElasticsearchStandInSourceValue value)
    {
        if (!mapper.Enabled || value.Kind == JsonValueKind.Null)
        {
            return;
        }

        if (value.IsScalar)
        {
            throw Failure(Document(value, $"object mapping for [{mapper.Path}] tried to parse field [{name}] as object, but found a concrete value"));
        }

        InnerParseObject(context, value);
    }

    private void ParseObjectDynamic(Context context, string name, ElasticsearchStandInSourceValue value)
    {
        EnsureNotStrict(context, name, value);
        if (context.Dynamic == "false")
        {
            return;
        }

        var path = Join(context.Object.Path, name);
        var created = DynamicObjectMapper(context, name, path, value);
        if (!context.Object.AllowsSubobjects)
        {
            if (created.Type == "nested")
            {
                throw Failure(Document(value, $"Tried to add nested object [{name}] to object [{Owner(context)}] which does not support subobjects"));
            }

            if (created.IsObject)
            {
                InnerParseObject(context with { Prefix = name + "." }, value);
                return;
            }
        }

        if (AddDynamic(context, path, created, value) is { } used)
        {
            DoParseObject(context, name, used, value);
        }
    }

    private void ParseArray(Context context, string name, ElasticsearchStandInSourceValue array)
    {
        if (Lookup(context, name) is null && !HasMappedFieldsWithPrefix(context, name))
        {
            EnsureNotStrict(context, name, array);
            if (context.Dynamic == "false")
            {
                return;
            }

            var settings = _mapping.Settings;
            if (settings.IgnoreDynamicBeyondLimit && FindTemplate(Join(context.Object.Path, name), name, "object") is null
                && settings.TotalFieldsLimit - _mapping.TotalFieldsCount < 1)
            {
                Ignore(Join(context.Object.Path, name));
                return;
            }
        }

        foreach (var item in array.Items)
        {
            Dispatch(context, name, item);
        }
    }

    private void ParseScalar(Context context, string name, ElasticsearchStandInSourceValue value)
    {
        if (Lookup(context, name) is { } mapper)
        {
            if (mapper.IsObject)
            {
                ParseObjectOrNested(Child(context, mapper), mapper, name, value);
            }
            else
            {
                ParseField(context, mapper, value);
            }

            return;
        }

        EnsureNotStrict(context, name, value);
        if (context.Dynamic == "false")
        {
            return;
        }

        var path = Join(context.Object.Path, name);
        if (AddDynamic(context, path, DynamicLeafMapper(context, name, path, value), value) is { } used)
        {
            ParseField(context, used, value);
        }
    }

    private ElasticsearchStandInField DynamicObjectMapper(Context context, string name, string path, ElasticsearchStandInSourceValue value)
    {
        if (ForcedOrMatching(path, name, "object", value) is { } template)
        {
            return _fields.Field(context.Object, name, WithType(template.MappingFor(name, "object"), "object"), context.Dynamic);
        }

        return new ElasticsearchStandInField { Name = name, Path = path, Type = "object" };
    }

    private ElasticsearchStandInField DynamicLeafMapper(Context context, string name, string path, ElasticsearchStandInSourceValue value)
    {
        var (matchType, dynamicType, dateFormat) = DynamicType(value);
        if (ForcedOrMatching(path, name, matchType, value) is { } template)
        {
            return _fields.Field(context.Object, name, WithType(template.MappingFor(name, dynamicType), dynamicType), context.Dynamic);
        }

        var definition = dynamicType switch
        {
            "text" => """{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}}""",
            "date" when dateFormat != "strict_date_optional_time" => JsonSerializer.Serialize(new { type = "date", format = dateFormat }),
            _ => $$"""{"type":"{{dynamicType}}"}""",
        };
        return _fields.Field(context.Object, name, JsonDocument.Parse(definition).RootElement.Clone(), context.Dynamic);
    }

    /// <summary>The dynamic template's match_mapping_type and the type dynamic mapping gives a new value.</summary>
    private (string MatchType, string DynamicType, string? DateFormat) DynamicType(ElasticsearchStandInSourceValue value)
    {
        switch (value.Kind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return ("boolean", "boolean", null);
            case JsonValueKind.Number:
                return value.Text.AsSpan().IndexOfAny(".eE") < 0 ? ("long", "long", null) : ("double", "float", null);
        }

        var text = value.Text;
        var isLong = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        var isDouble = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (isLong && _mapping.NumericDetection)
        {
            return ("long", "long", null);
        }

        if (isDouble && _mapping.NumericDetection)
        {
            return ("double", "float", null);
        }

        // Pure numbers are never taken for dates: too many false positives with epoch formats.
        if (!isLong && !isDouble && _mapping.DateDetection)
        {
            foreach (var format in _mapping.DynamicDateFormats)
            {
                if (ElasticsearchStandInDates.TryParse(text, format, out _))
                {
                    return ("date", "date", format);
                }
            }
        }

        return ("string", "text", null);
    }

    private ElasticsearchStandInDynamicTemplate? ForcedOrMatching(string path, string name, string matchType, ElasticsearchStandInSourceValue value)
    {
        if (_forcedTemplates.TryGetValue(path, out var forced))
        {
            return _mapping.DynamicTemplates.FirstOrDefault(t => t.Name == forced)
                ?? throw Failure(Wrapped(value.Location, $"Can't find dynamic template for dynamic template name [{forced}] of field [{path}]"));
        }

        return FindTemplate(path, name, matchType);
    }

    private ElasticsearchStandInDynamicTemplate? FindTemplate(string path, string name, string matchType) =>
        _mapping.DynamicTemplates.FirstOrDefault(t => t.Matches(name, path, matchType));

    private static JsonElement WithType(JsonElement mapping, string dynamicType)
    {
        if (mapping.TryGetProperty("type", out _))
        {
            return mapping;
        }

        var node = System.Text.Json.Nodes.JsonNode.Parse(mapping.GetRawText())!.AsObject();
        node["type"] = dynamicType;
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>
    /// Registers a field the document adds; returns the mapper to parse with, or null when the
    /// field is over the total fields limit and <c>ignore_dynamic_beyond_limit</c> drops it.
    /// </summary>
    private ElasticsearchStandInField? AddDynamic(Context context, string path, ElasticsearchStandInField created, ElasticsearchStandInSourceValue value)
    {
        if (_pending.TryGetValue(path, out var first))
        {
            if (first.IsObject == created.IsObject && (first.IsObject || first.Type == created.Type))
            {
                return first;
            }

            _mergeConflict ??= new ElasticsearchStandInError("illegal_argument_exception", first.IsObject
                ? $"can't merge a non object mapping [{path}] with an object mapping"
                : $"mapper [{path}] cannot be changed from type [{first.Type}] to [{(created.IsObject ? created.Type == "nested" ? "NestedObjectMapper" : "ObjectMapper" : created.Type)}]");
            return created;
        }

        var settings = _mapping.Settings;
        var size = created.TotalFieldsCount;
        var additional = _newFieldsSize + size;
        if (settings.TotalFieldsLimit - _mapping.TotalFieldsCount < additional)
        {
            if (settings.IgnoreDynamicBeyondLimit)
            {
                Ignore(path);
                return null;
            }

            throw Failure(Wrapped(value.Location, $"Limit of total fields [{settings.TotalFieldsLimit}] has been exceeded while adding new fields [{additional}]"));
        }

        _newFieldsSize += size;
        _pending[path] = created;
        _added.Add((context.Object, created));
        return created;
    }

    private void EnsureNotStrict(Context context, string name, ElasticsearchStandInSourceValue value)
    {
        if (context.Dynamic == "strict")
        {
            throw Failure(new ElasticsearchStandInError("strict_dynamic_mapping_exception",
                $"{value.Location}mapping set to strict, dynamic introduction of [{name}] within [{Owner(context)}] is not allowed"));
        }
    }

    private void ParseField(Context context, ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        if (value.Kind == JsonValueKind.Null)
        {
            return;
        }

        if (mapper.Type == "flattened")
        {
            ParseFlattened(mapper, value);
            return;
        }

        if (value.Kind == JsonValueKind.Object)
        {
            throw Failure(FieldError(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"Expected text at 1:{Math.Max(value.Offset, 0) + 1} but found START_OBJECT")));
        }

        switch (mapper.Kind)
        {
            case ElasticsearchStandInFieldType.Text:
                ParseText(mapper, value);
                break;
            case ElasticsearchStandInFieldType.Number:
                ParseNumber(mapper, value);
                break;
            case ElasticsearchStandInFieldType.Date:
                ParseDate(mapper, value);
                break;
            case ElasticsearchStandInFieldType.Boolean:
                ParseBoolean(mapper, value);
                break;
            default:
                ParseKeyword(mapper, value);
                break;
        }

        foreach (var multiField in mapper.Fields.Values)
        {
            ParseField(context, multiField, value);
        }
    }

    private void ParseKeyword(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        var text = value.ScalarText;
        if (mapper.Type == "ip" && !IPAddress.TryParse(text, out _))
        {
            Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"'{text}' is not an IP string literal."));
            return;
        }

        if (mapper.Type == "constant_keyword")
        {
            if (mapper.ConstantValue is null)
            {
                mapper.ConstantValue = text;
            }
            else if (mapper.ConstantValue != text)
            {
                throw Failure(FieldError(mapper, value, new ElasticsearchStandInError("illegal_argument_exception",
                    $"[constant_keyword] field [{mapper.Path}] only accepts values that are equal to the value defined in the mappings [{mapper.ConstantValue}], but got [{text}]")));
            }
        }

        if (mapper.Normalizer is { } normalizer && _mapping.Analysis.Normalizer(normalizer) is { } analyzer)
        {
            text = string.Concat(analyzer.Terms(text));
        }

        if ((mapper.IgnoreAbove ?? (mapper.Type == "keyword" ? _mapping.Settings.DefaultIgnoreAbove : null)) is { } ignoreAbove && text.Length > ignoreAbove)
        {
            Ignore(mapper.Path);
            return;
        }

        if (mapper.Index && Encoding.UTF8.GetByteCount(text) > MaxTermBytes)
        {
            _indexingError ??= Immense(mapper.Path, text, tokenized: false);
        }

        Add(mapper.Path, new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Keyword, text, value.ToJsonElement()));
    }

    private void ParseText(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        var text = value.ScalarText;
        var analyzer = mapper.Analyzer is { } name ? _mapping.Analysis.Analyzer(name)! : _mapping.Analysis.Default;
        var tokens = analyzer.Analyze(text);
        if (tokens.FirstOrDefault(t => Encoding.UTF8.GetByteCount(t.Term) > MaxTermBytes) is { Term: not null } immense)
        {
            _indexingError ??= Immense(mapper.Path, immense.Term, tokenized: true);
        }

        Add(mapper.Path, new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Text, text, value.ToJsonElement()) { Tokens = tokens });
    }

    private void ParseNumber(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        var text = value.ScalarText;
        if (value.Kind == JsonValueKind.String && text.Length == 0)
        {
            return;
        }

        if (value.Kind is JsonValueKind.True or JsonValueKind.False)
        {
            Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception",
                $"Current token ({(value.Kind == JsonValueKind.True ? "VALUE_TRUE" : "VALUE_FALSE")}) not numeric, can not use numeric value accessors"));
            return;
        }

        var whole = mapper.Type is "long" or "integer" or "short" or "byte" or "unsigned_long";
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            Malformed(mapper, value, new ElasticsearchStandInError(whole ? "illegal_argument_exception" : "number_format_exception", $"For input string: \"{text}\""));
            return;
        }

        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (whole)
        {
            if (exact != decimal.Truncate(exact))
            {
                if (!mapper.Coerce)
                {
                    Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"Value [{text}] has a decimal part"));
                    return;
                }

                number = Math.Truncate(number);
            }

            var (min, max, what) = mapper.Type switch
            {
                "integer" => ((double)int.MinValue, (double)int.MaxValue, "an integer"),
                "short" => (short.MinValue, short.MaxValue, "a short"),
                "byte" => (sbyte.MinValue, sbyte.MaxValue, "a byte"),
                "unsigned_long" => (0d, 18446744073709551615d, "an unsigned_long"),
                _ => (long.MinValue, long.MaxValue, "a long"),
            };
            if (number < min || number > max)
            {
                Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"Value [{text}] is out of range for {what}"));
                return;
            }
        }
        else if (double.IsInfinity(number) || (mapper.Type == "float" && Math.Abs(number) > float.MaxValue))
        {
            Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"[{mapper.Type}] supports only finite values, but got [Infinity]"));
            return;
        }

        Add(mapper.Path, new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Number, text, value.ToJsonElement()) { Number = number });
    }

    private void ParseDate(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        var text = value.ScalarText;
        if (value.Kind == JsonValueKind.String && text.Length == 0)
        {
            return;
        }

        var format = mapper.Format ?? ElasticsearchStandInDates.DefaultFormat(mapper.Type);
        if (value.Kind is JsonValueKind.True or JsonValueKind.False || !ElasticsearchStandInDates.TryParse(text, format, out var nanos))
        {
            Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"failed to parse date field [{text}] with format [{format}]",
                new ElasticsearchStandInError("date_time_parse_exception", "Failed to parse with all enclosed parsers")));
            return;
        }

        // A date field keeps milliseconds; date_nanos keeps nanoseconds.
        if (mapper.Type == "date")
        {
            nanos -= ((nanos % 1_000_000) + 1_000_000) % 1_000_000;
        }

        Add(mapper.Path, new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Date, text, value.ToJsonElement()) { Nanos = nanos });
    }

    private void ParseBoolean(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        var text = value.ScalarText;
        if (value.Kind == JsonValueKind.String && text.Length == 0)
        {
            return;
        }

        if (value.Kind == JsonValueKind.Number || text is not ("true" or "false"))
        {
            Malformed(mapper, value, new ElasticsearchStandInError("illegal_argument_exception", $"Failed to parse value [{text}] as only [true] or [false] are allowed."));
            return;
        }

        Add(mapper.Path, new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Boolean, text, value.ToJsonElement()));
    }

    /// <summary>
    /// A flattened field indexes every leaf as a keyword twice: under the field itself and under
    /// <c>field.key</c>, the key being the leaf's path inside the object (dots in names kept).
    /// </summary>
    private void ParseFlattened(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value)
    {
        if (value.Kind != JsonValueKind.Object)
        {
            var token = value.Kind switch
            {
                JsonValueKind.String => "VALUE_STRING",
                JsonValueKind.Number => "VALUE_NUMBER",
                _ => "VALUE_BOOLEAN",
            };
            throw Failure(FieldError(mapper, value, new ElasticsearchStandInError("parsing_exception",
                $"Failed to parse object: expecting token of type [START_OBJECT] but found [{token}]")));
        }

        var ignoreAbove = mapper.IgnoreAbove ?? _mapping.Settings.DefaultIgnoreAbove;
        void Leaf(string key, ElasticsearchStandInSourceValue leaf)
        {
            var text = leaf.ScalarText;
            if (ignoreAbove is { } limit && text.Length > limit)
            {
                return;
            }

            var indexed = new ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType.Keyword, text, leaf.ToJsonElement());
            Add(mapper.Path, indexed);
            Add(mapper.Path + "." + key, indexed);
        }

        void Walk(ElasticsearchStandInSourceValue node, string prefix)
        {
            foreach (var (name, child) in node.Members)
            {
                Visit(prefix + name, child);
            }
        }

        void Visit(string key, ElasticsearchStandInSourceValue child)
        {
            switch (child.Kind)
            {
                case JsonValueKind.Object:
                    Walk(child, key + ".");
                    break;
                case JsonValueKind.Array:
                    foreach (var item in child.Items)
                    {
                        Visit(key, item);
                    }

                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    Leaf(key, child);
                    break;
            }
        }

        Walk(value, "");
    }

    private void Malformed(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value, ElasticsearchStandInError cause)
    {
        if (mapper.IgnoreMalformed ?? _mapping.Settings.IgnoreMalformed)
        {
            Ignore(mapper.Path);
            return;
        }

        throw Failure(FieldError(mapper, value, cause));
    }

    private ElasticsearchStandInError FieldError(ElasticsearchStandInField mapper, ElasticsearchStandInSourceValue value, ElasticsearchStandInError cause) =>
        new("document_parsing_exception",
            $"{value.Location}failed to parse field [{mapper.Path}] of type [{mapper.Type}] in document with id '{_id}'. Preview of field's value: '{value.Preview()}'",
            cause);

    /// <summary>Lucene's refusal of a term over 32766 bytes: from the indexing chain for keywords, from the token stream for text.</summary>
    private static ElasticsearchStandInError Immense(string field, string term, bool tokenized)
    {
        var bytes = Encoding.UTF8.GetBytes(term);
        var prefix = "[" + string.Join(", ", bytes.Take(30).Select(b => ((sbyte)b).ToString(CultureInfo.InvariantCulture))) + "]";
        var original = $"bytes can be at most {MaxTermBytes} in length; got {bytes.Length}";
        var reason = tokenized
            ? $"Document contains at least one immense term in field=\"{field}\" (whose UTF8 encoding is longer than the max length {MaxTermBytes}), all of which were skipped.  Please correct the analyzer to not produce such terms.  The prefix of the first immense term is: '{prefix}...', original message: {original}"
            : $"Document contains at least one immense term in field=\"{field}\" (whose length is longer than the max length {MaxTermBytes}), all of which were skipped. The prefix of the first immense term is: '{prefix}...'";
        return new ElasticsearchStandInError("illegal_argument_exception", reason, new ElasticsearchStandInError("max_bytes_length_exceeded_exception", original));
    }

    private void Add(string path, ElasticsearchStandInIndexedValue value)
    {
        if (!_values.TryGetValue(path, out var list))
        {
            list = [];
            _values[path] = list;
        }

        list.Add(value);
    }

    private void Ignore(string path) => _ignored.Add(path);

    private static Context Child(Context context, ElasticsearchStandInField mapper) =>
        new(mapper, mapper.Dynamic ?? context.Dynamic, context.WithinLeaf || !mapper.AllowsSubobjects, "");

    private static string Owner(Context context) => context.Object.Path.Length == 0 ? "_doc" : context.Object.Path;

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    private static ElasticsearchStandInError Document(ElasticsearchStandInSourceValue at, string message) =>
        new("document_parsing_exception", at.Location + message);

    // An IllegalArgumentException thrown while parsing, wrapped as DocumentParser wraps it.
    private static ElasticsearchStandInError Wrapped(string location, string message) =>
        new("document_parsing_exception", location + "failed to parse: " + message, new ElasticsearchStandInError("illegal_argument_exception", message));

    private static ParseFailure Failure(ElasticsearchStandInError error) => new(error);

    /// <summary>Where the parser is: the object whose members it reads, its effective <c>dynamic</c>, and name prefixes.</summary>
    /// <param name="Object">The object mapper the members belong to.</param>
    /// <param name="Dynamic">true, false, strict or runtime, inherited from the nearest object that sets it.</param>
    /// <param name="WithinLeaf">Inside an object with subobjects: false, where dotted names are not expanded.</param>
    /// <param name="Prefix">Members of an object being flattened get its name and a dot before theirs.</param>
    private sealed record Context(ElasticsearchStandInField Object, string Dynamic, bool WithinLeaf, string Prefix);

    private sealed class ParseFailure(ElasticsearchStandInError error) : Exception(error.Reason)
    {
        public ElasticsearchStandInError Error { get; } = error;
    }
}
