using System.Buffers;
using System.Text.Json;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// The index template the output installs for each index prefix (<c>PUT _index_template/&lt;prefix&gt;</c>):
/// <c>@timestamp</c> a date with nanoseconds (record times keep their nanoseconds, so the order
/// of lines within a millisecond survives), <c>tenant</c>, <c>stream</c>, <c>pipeline_flags</c> and
/// every <c>kubernetes.*</c> string a keyword (exact match, as Kibana's filters expect), <c>log</c>
/// text. Anything else gets Elasticsearch's dynamic mapping.
/// </summary>
internal static class ElasticsearchIndexTemplate
{
    /// <summary>
    /// Templates of the same priority must not overlap; a longer prefix is the more specific one.
    /// Above 100 so ours win over Elasticsearch's built-in <c>logs-*-*</c> template.
    /// </summary>
    public static int Priority(string prefix) => 200 + prefix.Length;

    public static string Name(string prefix) => prefix;

    public static byte[] Body(string prefix)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("index_patterns");
            w.WriteStringValue(prefix + "-*");
            w.WriteEndArray();
            w.WriteNumber("priority", Priority(prefix));
            w.WriteStartObject("template");
            w.WriteStartObject("mappings");
            w.WriteStartArray("dynamic_templates");
            w.WriteStartObject();
            w.WriteStartObject("kubernetes_keywords");
            w.WriteString("path_match", LogEventFields.KubernetesMember + ".*");
            w.WriteString("match_mapping_type", "string");
            w.WriteStartObject("mapping");
            w.WriteString("type", "keyword");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("properties");
            Field(w, LogEventFields.TimestampMember, "date_nanos");
            Field(w, ElasticsearchBulkBody.TenantMember, "keyword");
            Field(w, LogEventFields.LogMember, "text");
            Field(w, LogEventFields.StreamMember, "keyword");
            Field(w, LogEventDocument.FlagsMember, "keyword");
            w.WriteStartObject(LogEventFields.KubernetesMember);
            w.WriteStartObject("properties");
            foreach (var name in LogEvent.KubernetesProperties)
            {
                Field(w, name, "keyword");
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("_meta");
            w.WriteString("managed_by", "pipeline");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Field(Utf8JsonWriter w, string name, string type)
    {
        w.WriteStartObject(name);
        w.WriteString("type", type);
        w.WriteEndObject();
    }
}
