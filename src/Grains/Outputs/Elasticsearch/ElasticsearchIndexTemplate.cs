using System.Buffers;
using System.Text.Json;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// The index template the output installs for each index prefix (<c>PUT _index_template/&lt;prefix&gt;</c>).
/// It is written so that no record is refused for its shape, and so that KQL answers on
/// Elasticsearch what it answers on the embedded store:
/// <list type="bullet">
/// <item><c>subobjects: false</c> at the root: a dotted name is a leaf field of its own, so a JSON
/// log line's <c>log.level</c> lives beside the message <c>log</c>, and <c>app.version</c> beside
/// <c>app</c> (by default Elasticsearch expands <c>log.level</c> into an object <c>log</c> and refuses
/// the document, because <c>log</c> is text). Objects in documents are flattened into leaf paths,
/// so the document keeps fluent-bit's shape and queries name fields as before.</item>
/// <item><c>kubernetes.labels</c> and <c>kubernetes.annotations</c> are <c>flattened</c>: their keys
/// (<c>app.kubernetes.io/name</c>) are searchable as <c>kubernetes.labels.app.kubernetes.io/name</c>,
/// yet the whole map is one field, so a cluster's thousands of distinct label and annotation keys
/// never reach the index's field limit.</item>
/// <item>Every other string is a keyword (exact, case-sensitive, as the embedded store compares
/// fields) with <c>ignore_above</c>, so a huge value is kept in the source instead of failing the
/// document; dates are not guessed from strings (<c>date_detection: false</c>) and a value that does
/// not fit an earlier number field is kept unindexed (<c>ignore_malformed</c>); fields past the limit
/// are kept unmapped (<c>ignore_dynamic_beyond_limit</c>).</item>
/// <item><c>log</c> is text cut into words the way the embedded store's full-text index cuts it:
/// runs of letters and digits, lowercased, accents folded (so <c>NullPointerException</c> finds
/// <c>java.lang.NullPointerException</c> in both stores; Elasticsearch's standard analyzer would keep
/// the dotted name as one word).</item>
/// <item><c>@timestamp</c> is a date with nanoseconds (record times keep their nanoseconds, so the
/// order of lines within a millisecond survives).</item>
/// </list>
/// Needs Elasticsearch 8.10 or later (objects under <c>subobjects: false</c>); the client speaks 9.
/// </summary>
internal static class ElasticsearchIndexTemplate
{
    /// <summary>Bumped when the body changes, so a cluster's installed template can be told apart.</summary>
    public const int Version = 2;

    /// <summary>The analyzer of <c>log</c>.</summary>
    public const string WordsAnalyzer = "log_words";

    /// <summary>
    /// Longest keyword indexed, in characters: Lucene refuses a term over 32,766 bytes, and a
    /// character takes at most 4 bytes in UTF-8. Longer values stay in <c>_source</c>.
    /// </summary>
    public const int IgnoreAbove = 8191;

    /// <summary>Longest word of <c>log</c> indexed (a longer run of letters, such as base64, is cut).</summary>
    public const int LongestWord = 1024;

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
            WriteSettings(w);
            WriteMappings(w);
            w.WriteEndObject();
            w.WriteStartObject("_meta");
            w.WriteString("managed_by", "pipeline");
            w.WriteNumber("template_version", Version);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSettings(Utf8JsonWriter w)
    {
        w.WriteStartObject("settings");
        w.WriteStartObject("index");
        w.WriteStartObject("mapping");
        w.WriteStartObject("total_fields");
        w.WriteBoolean("ignore_dynamic_beyond_limit", true);
        w.WriteEndObject();
        w.WriteBoolean("ignore_malformed", true);
        w.WriteEndObject();

        w.WriteStartObject("analysis");
        w.WriteStartObject("analyzer");
        w.WriteStartObject(WordsAnalyzer);
        w.WriteString("type", "custom");
        w.WriteString("tokenizer", WordsAnalyzer);
        w.WriteStartArray("filter");
        w.WriteStringValue("lowercase");
        w.WriteStringValue("asciifolding");
        w.WriteStringValue("log_long_words");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("tokenizer");
        w.WriteStartObject(WordsAnalyzer);
        w.WriteString("type", "pattern");
        w.WriteString("pattern", @"[^\p{L}\p{N}]+");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("filter");
        w.WriteStartObject("log_long_words");
        w.WriteString("type", "truncate");
        w.WriteNumber("length", LongestWord);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMappings(Utf8JsonWriter w)
    {
        w.WriteStartObject("mappings");
        w.WriteBoolean("subobjects", false);
        w.WriteBoolean("date_detection", false);
        w.WriteStartArray("dynamic_templates");
        w.WriteStartObject();
        w.WriteStartObject("strings_as_keywords");
        w.WriteString("match_mapping_type", "string");
        w.WriteStartObject("mapping");
        w.WriteString("type", "keyword");
        w.WriteNumber("ignore_above", IgnoreAbove);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("properties");
        Field(w, LogEventFields.TimestampMember, "date_nanos");
        Field(w, ElasticsearchBulkBody.TenantMember, "keyword");
        w.WriteStartObject(LogEventFields.LogMember);
        w.WriteString("type", "text");
        w.WriteString("analyzer", WordsAnalyzer);
        w.WriteEndObject();
        Field(w, LogEventFields.StreamMember, "keyword");
        Field(w, LogEventDocument.FlagsMember, "keyword");
        foreach (var name in LogEvent.KubernetesProperties)
        {
            Field(w, $"{LogEventFields.KubernetesMember}.{name}", "keyword", IgnoreAbove);
        }

        Field(w, $"{LogEventFields.KubernetesMember}.{LogEventDocument.LabelsMember}", "flattened", IgnoreAbove);
        Field(w, $"{LogEventFields.KubernetesMember}.{LogEventDocument.AnnotationsMember}", "flattened", IgnoreAbove);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter w, string name, string type, int ignoreAbove = 0)
    {
        w.WriteStartObject(name);
        w.WriteString("type", type);
        if (ignoreAbove > 0)
        {
            w.WriteNumber("ignore_above", ignoreAbove);
        }

        w.WriteEndObject();
    }
}
