using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// The index templates Elasticsearch 9 installs by itself that a log pipeline meets: <c>logs</c>,
/// for <c>logs-*-*</c> at priority 100, which makes such indices data streams in <c>logsdb</c>
/// mode. Elasticsearch composes it from component templates (<c>logs@mappings</c>,
/// <c>logs@settings</c>, <c>ecs@mappings</c>…); the stand-in has no component templates, so the
/// parts it models are folded into <c>template</c>: <c>@timestamp</c> a date, the
/// <c>data_stream.*</c> constant keywords, <c>message</c> as <c>match_only_text</c>, strings as
/// keywords (ECS's <c>ignore_above: 1024</c>), <c>ignore_malformed</c> and
/// <c>ignore_dynamic_beyond_limit</c> on, no date detection. Its default ingest pipeline
/// (<c>logs@default-pipeline</c>) is not run.
/// </summary>
internal static class ElasticsearchStandInBuiltInTemplates
{
    private const string Logs = """
        {
          "index_patterns": ["logs-*-*"],
          "priority": 100,
          "data_stream": {"hidden": false, "allow_custom_routing": false},
          "composed_of": ["logs@mappings", "logs@settings", "logs@custom", "ecs@mappings"],
          "ignore_missing_component_templates": ["logs@custom"],
          "allow_auto_create": true,
          "_meta": {"description": "default logs template installed by x-pack", "managed": true},
          "template": {
            "settings": {
              "index": {
                "mode": "logsdb",
                "mapping": {"ignore_malformed": true, "total_fields": {"ignore_dynamic_beyond_limit": true}}
              }
            },
            "mappings": {
              "date_detection": false,
              "dynamic_templates": [
                {"ecs_message_match_only_text": {"path_match": ["message", "*.message"], "match_mapping_type": "string", "mapping": {"type": "match_only_text"}}},
                {"all_strings_to_keywords": {"match_mapping_type": "string", "mapping": {"type": "keyword", "ignore_above": 1024}}}
              ],
              "properties": {
                "@timestamp": {"type": "date", "ignore_malformed": false},
                "data_stream": {
                  "properties": {
                    "type": {"type": "constant_keyword", "value": "logs"},
                    "dataset": {"type": "constant_keyword"},
                    "namespace": {"type": "constant_keyword"}
                  }
                }
              }
            }
          }
        }
        """;

    public static IEnumerable<ElasticsearchStandInIndexTemplate> All() =>
        [new ElasticsearchStandInIndexTemplate("logs", JsonDocument.Parse(Logs).RootElement.Clone())];
}
