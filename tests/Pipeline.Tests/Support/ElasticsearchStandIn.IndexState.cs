using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Index state: creating an index explicitly (<c>PUT /{index}</c>) or on its first write, with
/// the settings and mapping of the request or of the matching index template.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    /// <summary>
    /// <c>PUT /{index}</c> with optional <c>settings</c> and <c>mappings</c>, which replace the
    /// matching template's (Elasticsearch merges them; the stand-in takes the request's whole).
    /// </summary>
    private void CreateIndex(string name, byte[] body, Answer answer)
    {
        using var document = body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(body);
        var request = document.RootElement;
        if (InvalidIndexName(name) is { } invalid)
        {
            answer.Error(400, "invalid_index_name_exception", $"Invalid index name [{name}], {invalid}", ("index_uuid", "_na_"), ("index", name));
            return;
        }

        foreach (var member in request.EnumerateObject())
        {
            if (member.Name is not ("settings" or "mappings"))
            {
                answer.Error(400, "illegal_argument_exception", $"the stand-in does not implement [{member.Name}] in a create-index request");
                return;
            }
        }

        lock (_gate)
        {
            if (_indices.ContainsKey(name))
            {
                answer.Error(400, "resource_already_exists_exception", $"index [{name}/c3RhbmRpbi1pbmRleA] already exists",
                    ("index_uuid", "c3RhbmRpbi1pbmRleA"), ("index", name));
                return;
            }

            var template = TemplateFor(name);
            var fromTemplate = ElasticsearchStandInShardSettings.From(TemplateSettings(template), null, out _);
            var settings = ElasticsearchStandInShardSettings.From(SettingsOf(request), fromTemplate, out var error);
            if (error is not null)
            {
                answer.Error(400, "illegal_argument_exception", error);
                return;
            }

            var mapping = request.TryGetProperty("mappings", out var mappings)
                ? ElasticsearchStandInMapping.From(JsonSerializer.SerializeToElement(new { template = new { mappings } }))
                : ElasticsearchStandInMapping.From(template);
            AddIndex(name, mapping, settings);
        }

        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("acknowledged", true);
            w.WriteBoolean("shards_acknowledged", true);
            w.WriteString("index", name);
            w.WriteEndObject();
        });
    }

    /// <summary>The index a write goes to, created from the matching template on its first write (call under the lock).</summary>
    private ElasticsearchStandInIndex IndexForWrite(string name)
    {
        if (!_indices.TryGetValue(name, out var index))
        {
            var template = TemplateFor(name);
            index = AddIndex(name, ElasticsearchStandInMapping.From(template), ElasticsearchStandInShardSettings.From(TemplateSettings(template), null, out _));
        }

        return index;
    }

    /// <summary>
    /// Where every index comes to life (call under the lock): registered, its search-idle clock
    /// started and its periodic refresh scheduled.
    /// </summary>
    private ElasticsearchStandInIndex AddIndex(string name, ElasticsearchStandInMapping mapping, ElasticsearchStandInShardSettings settings)
    {
        var index = new ElasticsearchStandInIndex(name, mapping) { ShardSettings = settings };
        index.Created(_time.GetTimestamp());
        _indices[name] = index;
        ScheduleRefresh(index);
        return index;
    }

    /// <summary>A composable template's <c>template.settings</c>.</summary>
    private static JsonElement? TemplateSettings(JsonElement? template) =>
        template is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("template", out var inner) && inner.ValueKind == JsonValueKind.Object
            ? SettingsOf(inner)
            : null;

    private static JsonElement? SettingsOf(JsonElement body) =>
        body.TryGetProperty("settings", out var settings) && settings.ValueKind == JsonValueKind.Object ? settings : null;
}
