using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Support;

/// <summary>
/// Index templates, index creation and data streams: <c>PUT _index_template/{name}</c> validated
/// as Elasticsearch validates it (body fields, request checks, name and pattern rules, index
/// settings, component templates, then the composed analysis and mappings), <c>PUT /{index}</c>,
/// and the indices and data streams a first write creates from the matching template.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    private const string StandInIndexUuid = "c3RhbmRpbi1pbmRleA";

    private static readonly string[] TemplateFields =
    [
        "index_patterns", "composed_of", "template", "priority", "version", "_meta", "data_stream", "allow_auto_create",
        "ignore_missing_component_templates", "deprecated",
    ];

    private static readonly string[] TemplateSections = ["settings", "mappings", "aliases", "lifecycle", "data_stream_options"];

    private static readonly JsonElement DataStreamTimestamp = JsonDocument.Parse("""{"properties":{"@timestamp":{"type":"date"}}}""").RootElement.Clone();

    private readonly Dictionary<string, ElasticsearchStandInIndexTemplate> _builtInTemplates =
        ElasticsearchStandInBuiltInTemplates.All().ToDictionary(t => t.Name, StringComparer.Ordinal);

    private readonly Dictionary<string, ElasticsearchStandInIndex> _dataStreams = new(StringComparer.Ordinal);

    /// <summary>Elasticsearch's own templates (the <c>logs</c> template) that no <c>PUT</c> has replaced, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> BuiltInTemplates
    {
        get
        {
            lock (_gate)
            {
                return _builtInTemplates.ToDictionary(t => t.Key, t => t.Value.Body, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The data streams the stand-in created, by name.</summary>
    public IReadOnlyList<string> DataStreamNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _dataStreams.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>An index (or a data stream's backing index) by name.</summary>
    public ElasticsearchStandInIndex Index(string name)
    {
        lock (_gate)
        {
            return _dataStreams.TryGetValue(name, out var stream) ? stream : _indices[name];
        }
    }

    private ElasticsearchStandInIndexTemplate? TemplateFor(string index)
    {
        var templates = _templates.Select(t => new ElasticsearchStandInIndexTemplate(t.Key, t.Value))
            .Concat(_builtInTemplates.Values.Where(b => !_templates.ContainsKey(b.Name)));
        return templates.Where(t => t.Matches(index)).OrderByDescending(t => t.Priority).FirstOrDefault();
    }

    private void PutTemplate(string name, byte[] body, IQueryCollection query, Answer answer)
    {
        Count(c => c with { TemplatePuts = c.TemplatePuts + 1 });
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        CheckTemplateBody(root, Encoding.UTF8.GetString(body));
        if (!root.TryGetProperty("index_patterns", out _))
        {
            throw Refusal(400, "illegal_argument_exception", "Required [index_patterns]");
        }

        var template = new ElasticsearchStandInIndexTemplate(name, root);
        var requestErrors = new List<string>();
        if (template.Priority < 0)
        {
            requestErrors.Add("index template priority must be >= 0");
        }

        if (template.Patterns.Count == 0)
        {
            requestErrors.Add("index patterns are missing");
        }

        if (requestErrors.Count > 0)
        {
            throw Refusal(400, "action_request_validation_exception", Validation(requestErrors));
        }

        Authorize("indices:admin/index_template/put");
        var composedOf = Strings(root, "composed_of");
        var ignoreMissing = Strings(root, "ignore_missing_component_templates");
        var missing = composedOf.Except(ignoreMissing, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw Refusal(400, "invalid_index_template_exception", $"index_template [{name}] invalid, cause [index template [{name}] specifies "
                + (ignoreMissing.Count > 0 ? $"a missing component templates [{string.Join(", ", missing)}] that does not exist]" : $"component templates [{string.Join(", ", missing)}] that do not exist]"));
        }

        lock (_gate)
        {
            if (query["create"].ToString() == "true" && (_templates.ContainsKey(name) || _builtInTemplates.ContainsKey(name)))
            {
                throw Refusal(400, "illegal_argument_exception", $"index template [{name}] already exists");
            }

            // Elasticsearch refuses two templates of the same priority whose patterns overlap.
            var others = _templates.Where(t => t.Key != name).Select(t => new ElasticsearchStandInIndexTemplate(t.Key, t.Value))
                .Concat(_builtInTemplates.Values.Where(b => b.Name != name && !_templates.ContainsKey(b.Name)));
            foreach (var other in others)
            {
                if (other.Priority == template.Priority
                    && template.Patterns.Any(a => other.Patterns.Any(b => ElasticsearchStandInText.WildcardMatches(a, b) || ElasticsearchStandInText.WildcardMatches(b, a))))
                {
                    throw Refusal(400, "illegal_argument_exception",
                        $"index template [{name}] has index patterns [{string.Join(", ", template.Patterns)}] matching patterns from existing templates [{other.Name}] with patterns ({other.Name} => [{string.Join(", ", other.Patterns)}]) that have the same priority [{template.Priority}], multiple index templates may not match during index creation, please use a different priority");
                }
            }
        }

        var settings = ElasticsearchStandInIndexSettings.From(template.Settings);
        var invalid = NameAndPatternErrors(name, template.Patterns);
        invalid.AddRange(settings.ValidationErrors());
        if (invalid.Count > 0)
        {
            throw Refusal(400, "invalid_index_template_exception", $"index_template [{name}] invalid, cause [{Validation(invalid)}]");
        }

        ValidateComposition(name, template, settings);
        lock (_gate)
        {
            _templates[name] = root;
            _builtInTemplates.Remove(name);
        }

        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("acknowledged", true);
            w.WriteEndObject();
        });
    }

    // Elasticsearch builds a temporary index from the composed template: analysis first, then mappings.
    private static void ValidateComposition(string name, ElasticsearchStandInIndexTemplate template, ElasticsearchStandInIndexSettings settings)
    {
        var composition = $"composable template [{name}] template after composition "
            + (Strings(template.Body, "composed_of") is { Count: > 0 } parts ? $"with component templates [{string.Join(", ", parts)}] " : "") + "is invalid";
        try
        {
            ElasticsearchStandInAnalysis.Build(settings);
        }
        catch (ElasticsearchStandInRequestException e)
        {
            throw new ElasticsearchStandInRequestException(400, e.Error.WrappedIn("illegal_argument_exception", composition));
        }

        try
        {
            var mapping = ElasticsearchStandInMapping.Parse(template.Mappings, settings);
            if (template.DataStream && mapping.Resolve("@timestamp") is { } timestamp && timestamp.Kind != ElasticsearchStandInFieldType.Date)
            {
                throw new ElasticsearchStandInRequestException(400, new ElasticsearchStandInError("illegal_argument_exception",
                    $"data stream timestamp field [@timestamp] is of type [{timestamp.Kind.ToString().ToLowerInvariant()}], but [date,date_nanos] is expected"));
            }
        }
        catch (ElasticsearchStandInRequestException e)
        {
            throw new ElasticsearchStandInRequestException(400,
                e.Error.WrappedIn("illegal_argument_exception", $"invalid composite mappings for [{name}]").WrappedIn("illegal_argument_exception", composition));
        }
    }

    /// <summary>What Elasticsearch's object parser refuses in a template body, with its <c>[line:column]</c> (approximate here).</summary>
    private static void CheckTemplateBody(JsonElement root, string text)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Refusal(400, "x_content_parse_exception", "[1:1] [index_template] failed to parse, expected START_OBJECT");
        }

        foreach (var member in root.EnumerateObject())
        {
            if (!TemplateFields.Contains(member.Name))
            {
                throw Refusal(400, "x_content_parse_exception", $"[1:{Column(text, member.Name)}] [index_template] unknown field [{member.Name}]");
            }

            var fits = member.Name switch
            {
                "priority" or "version" => member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt64(out _),
                "index_patterns" => member.Value.ValueKind == JsonValueKind.String
                    || (member.Value.ValueKind == JsonValueKind.Array && member.Value.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)),
                "composed_of" or "ignore_missing_component_templates" => member.Value.ValueKind == JsonValueKind.Array,
                "template" or "data_stream" or "_meta" => member.Value.ValueKind == JsonValueKind.Object,
                "allow_auto_create" or "deprecated" => member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => true,
            };
            if (!fits)
            {
                throw Refusal(400, "x_content_parse_exception", $"[1:{Column(text, member.Name)}] [index_template] failed to parse field [{member.Name}]");
            }
        }

        if (root.TryGetProperty("template", out var section))
        {
            foreach (var member in section.EnumerateObject().Where(m => !TemplateSections.Contains(m.Name)))
            {
                throw new ElasticsearchStandInRequestException(400, new ElasticsearchStandInError("x_content_parse_exception",
                    $"[1:{Column(text, "template")}] [index_template] failed to parse field [template]",
                    new ElasticsearchStandInError("x_content_parse_exception", $"[1:{Column(text, member.Name)}] [template] unknown field [{member.Name}]")));
            }
        }
    }

    private static List<string> NameAndPatternErrors(string name, IReadOnlyList<string> patterns)
    {
        var errors = new List<string>();
        foreach (var (bad, what) in new[] { (" ", "a space"), (",", "a ','"), ("#", "a '#'"), ("*", "a '*'") })
        {
            if (name.Contains(bad, StringComparison.Ordinal))
            {
                errors.Add($"name must not contain {what}");
            }
        }

        if (name.StartsWith('_'))
        {
            errors.Add("name must not start with '_'");
        }

        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            errors.Add("name must be lower cased");
        }

        foreach (var pattern in patterns)
        {
            if (pattern.Contains(' ', StringComparison.Ordinal))
            {
                errors.Add($"index_patterns [{pattern}] must not contain a space");
            }

            foreach (var bad in new[] { ',', '#', ':' })
            {
                if (pattern.Contains(bad, StringComparison.Ordinal))
                {
                    errors.Add($"index_pattern [{pattern}] must not contain a '{bad}'");
                }
            }

            if (pattern.StartsWith('_'))
            {
                errors.Add($"index_pattern [{pattern}] must not start with '_'");
            }
        }

        return errors;
    }

    /// <summary>
    /// Creates an index (or, for a data stream template, a data stream and its first backing
    /// index) and registers it; throws Elasticsearch's error when its settings or mappings are
    /// invalid. Callers hold <c>_gate</c>.
    /// </summary>
    private ElasticsearchStandInIndex NewIndex(string name, ElasticsearchStandInIndexTemplate? template, JsonElement? request)
    {
        var requestSettings = request is { } r ? SettingsOf(r) : null;
        var requestMappings = request is { } q && q.TryGetProperty("mappings", out var m) ? m : (JsonElement?)null;
        var settings = ElasticsearchStandInIndexSettings.From(template?.Settings).With(ElasticsearchStandInIndexSettings.From(requestSettings));
        if (settings.ValidationErrors() is [var first, ..])
        {
            throw Refusal(400, "illegal_argument_exception", first);
        }

        if (settings.String("index.soft_deletes.enabled") == "false")
        {
            throw Refusal(400, "illegal_argument_exception",
                "Creating indices with soft-deletes disabled is no longer supported. Please do not specify a value for setting [index.soft_deletes.enabled].");
        }

        var fromTemplate = ElasticsearchStandInShardSettings.From(template?.Settings, null, out _);
        var shards = ElasticsearchStandInShardSettings.From(requestSettings, fromTemplate, out var shardError);
        if (shardError is not null)
        {
            throw Refusal(400, "illegal_argument_exception", shardError);
        }

        // A data stream's indices always map @timestamp, as a date unless the template says otherwise.
        var templateMappings = template is { DataStream: true } ? MergeMappings(DataStreamTimestamp, template.Mappings) : template?.Mappings;
        var mapping = ElasticsearchStandInMapping.Parse(MergeMappings(templateMappings, requestMappings), settings);
        return template is { DataStream: true }
            ? AddIndex($".ds-{name}-{_time.GetUtcNow():yyyy.MM.dd}-000001", mapping, shards, dataStream: name, template: template.Name)
            : AddIndex(name, mapping, shards, template: template?.Name);
    }

    /// <summary>
    /// The index a bulk item writes to: an existing index or data stream, or one created now from
    /// its template (which needs <c>create_index</c> or <c>auto_configure</c>). Callers hold <c>_gate</c>.
    /// </summary>
    private (ElasticsearchStandInIndex? Target, int Status, ElasticsearchStandInError? Error) WriteTarget(string index, bool requireAlias)
    {
        if (_dataStreams.TryGetValue(index, out var stream))
        {
            return (stream, 0, null);
        }

        if (_indices.TryGetValue(index, out var existing))
        {
            return (existing, 0, null);
        }

        if (requireAlias)
        {
            return (null, 404, new ElasticsearchStandInError("index_not_found_exception",
                $"no such index [{index}] and [require_alias] request flag is [true] and [{index}] is not an alias"));
        }

        if (!Privileges.Allows("indices:admin/auto_create", index))
        {
            return (null, 403, Privileges.Denial("indices:admin/auto_create", [index]));
        }

        try
        {
            return (NewIndex(index, TemplateFor(index), null), 0, null);
        }
        catch (ElasticsearchStandInRequestException e)
        {
            return (null, e.Status, e.Error);
        }
    }

    /// <summary>
    /// The indices a search or count reads, resolved as Elasticsearch resolves the expression
    /// (<see cref="ElasticsearchStandInIndexExpression"/>) over indices and data streams (whose
    /// hidden <c>.ds-</c> backing indices wildcards skip), as far as the user may read them: a
    /// named index the user may not read is a 403, wildcards silently leave such indices out.
    /// Null, with the name to report, when an index is missing. Call under the lock.
    /// </summary>
    private List<ElasticsearchStandInIndex>? SearchTargets(string target, bool ignoreUnavailable, bool allowNoIndices, out string? missing)
    {
        const string Action = "indices:data/read/search";
        var named = target.Split(',').Where(e => e.Length > 0 && e is not ("_all" or "*") && !e.StartsWith('-') && !ElasticsearchStandInText.HasWildcard(e)).ToList();
        var denied = named.Where(e => !Privileges.Allows(Action, e)).ToList();
        if (denied.Count > 0)
        {
            throw new ElasticsearchStandInRequestException(403, Privileges.Denial(Action, denied));
        }

        var visible = new Dictionary<string, ElasticsearchStandInIndex>(StringComparer.Ordinal);
        foreach (var (name, index) in _indices)
        {
            if ((index.DataStream is null && !name.StartsWith('.')) || named.Contains(name))
            {
                visible[name] = index;
            }
        }

        foreach (var (name, stream) in _dataStreams)
        {
            visible[name] = stream;
        }

        var readable = visible.Where(v => named.Contains(v.Key) || Privileges.Allows(Action, v.Value.DataStream ?? v.Key))
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return ElasticsearchStandInIndexExpression.Resolve(target, readable, ignoreUnavailable, allowNoIndices, out missing)?.Distinct().ToList();
    }

    // A create request's mappings go over its template's: properties merge, anything else is replaced.
    private static JsonElement? MergeMappings(JsonElement? template, JsonElement? request)
    {
        if (template is null || request is null)
        {
            return request ?? template;
        }

        var merged = JsonNode.Parse(template.Value.GetRawText())!.AsObject();
        Merge(merged, JsonNode.Parse(request.Value.GetRawText())!.AsObject());
        return JsonSerializer.SerializeToElement(merged);
    }

    private static void Merge(JsonObject into, JsonObject over)
    {
        foreach (var (key, value) in over.ToList())
        {
            if (key == "properties" && into[key] is JsonObject properties && value is JsonObject overProperties)
            {
                foreach (var (field, definition) in overProperties.ToList())
                {
                    if (properties[field] is JsonObject existing && definition is JsonObject incoming && existing["properties"] is not null && incoming["properties"] is not null)
                    {
                        Merge(existing, incoming);
                    }
                    else
                    {
                        properties[field] = definition?.DeepClone();
                    }
                }
            }
            else
            {
                into[key] = value?.DeepClone();
            }
        }
    }

    private static List<string> Strings(JsonElement body, string key) =>
        body.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];

    private static int Column(string text, string key) => Math.Max(text.IndexOf("\"" + key + "\"", StringComparison.Ordinal), 0) + 1;

    private static string Validation(IEnumerable<string> errors) => "Validation Failed: " + string.Concat(errors.Select((e, i) => $"{i + 1}: {e};"));

    private static ElasticsearchStandInRequestException Refusal(int status, string type, string reason) => new(status, new ElasticsearchStandInError(type, reason));
}
