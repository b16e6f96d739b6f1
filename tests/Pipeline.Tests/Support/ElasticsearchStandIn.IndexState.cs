using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// Index state: creating an index explicitly (<c>PUT /{index}</c>) or on its first write, with
/// the settings and mapping of the request over those of the matching index template.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    /// <summary>
    /// <c>PUT /{index}</c> with optional <c>settings</c> and <c>mappings</c>, merged over the
    /// matching template's as Elasticsearch merges them, and validated as it validates them.
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
            if (member.Name == "aliases")
            {
                answer.Error(400, "illegal_argument_exception", $"the stand-in does not implement [{member.Name}] in a create-index request");
                return;
            }

            if (member.Name is not ("settings" or "mappings"))
            {
                answer.Error(400, "parse_exception", $"unknown key [{member.Name}] for create index");
                return;
            }
        }

        Authorize("indices:admin/create", name);
        lock (_gate)
        {
            if (_indices.ContainsKey(name) || _dataStreams.ContainsKey(name))
            {
                answer.Error(400, "resource_already_exists_exception", $"index [{name}/{StandInIndexUuid}] already exists",
                    ("index_uuid", StandInIndexUuid), ("index", name));
                return;
            }

            var template = TemplateFor(name);
            if (template is { DataStream: true })
            {
                throw Refusal(400, "illegal_argument_exception",
                    $"cannot create index with name [{name}], because it matches with template [{template.Name}] that creates data streams only, use create data stream api instead");
            }

            NewIndex(name, template, request);
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

    /// <summary>
    /// Where every index comes to life (call under the lock): registered, its search-idle clock
    /// started and its periodic refresh scheduled; a data stream's backing index is registered
    /// under the stream's name too.
    /// </summary>
    private ElasticsearchStandInIndex AddIndex(
        string name,
        ElasticsearchStandInMapping mapping,
        ElasticsearchStandInShardSettings settings,
        string? dataStream = null,
        string? template = null)
    {
        var index = new ElasticsearchStandInIndex(name, mapping) { ShardSettings = settings, DataStream = dataStream, Template = template };
        index.Created(_time.GetTimestamp());
        _indices[name] = index;
        if (dataStream is not null)
        {
            _dataStreams[dataStream] = index;
        }

        ScheduleRefresh(index);
        return index;
    }

    private static JsonElement? SettingsOf(JsonElement body) =>
        body.TryGetProperty("settings", out var settings) && settings.ValueKind == JsonValueKind.Object ? settings : null;
}
