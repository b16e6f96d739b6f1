using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Processing;

/// <summary>
/// Writes a <see cref="LogEvent"/> as the document fluent-bit's Kubernetes filter sends to
/// Elasticsearch: <c>@timestamp</c>, <c>log</c>, <c>stream</c>, <c>kubernetes{…}</c>,
/// <c>pipeline_flags</c> when a flag is set, then the record's other fields in order.
/// </summary>
public static class LogEventDocument
{
    /// <summary>Name of the member listing what happened to a record on its way in (truncated, unparsed, …).</summary>
    public const string FlagsMember = "pipeline_flags";

    /// <summary>Members of <c>kubernetes</c> that come from the pod rather than the file name, as fluent-bit names them.</summary>
    public const string LabelsMember = "labels";
    public const string AnnotationsMember = "annotations";
    public const string ContainerImageMember = "container_image";
    public const string ContainerHashMember = "container_hash";

    private static readonly JsonEncodedText EncodedLabelsMember = JsonEncodedText.Encode(LabelsMember);
    private static readonly JsonEncodedText EncodedAnnotationsMember = JsonEncodedText.Encode(AnnotationsMember);
    private static readonly JsonEncodedText EncodedContainerImageMember = JsonEncodedText.Encode(ContainerImageMember);
    private static readonly JsonEncodedText EncodedContainerHashMember = JsonEncodedText.Encode(ContainerHashMember);

    private static readonly (LogRecordFlags Flag, string Name)[] FlagNames =
    [
        (LogRecordFlags.Truncated, "truncated"),
        (LogRecordFlags.Unparsed, "unparsed"),
        (LogRecordFlags.Utf8Repaired, "utf8_repaired"),
        (LogRecordFlags.Joined, "joined"),
        (LogRecordFlags.Incomplete, "incomplete"),
    ];

    public static IReadOnlyList<(LogRecordFlags Flag, string Name)> Flags => FlagNames;

    /// <param name="writer">Where the JSON object goes.</param>
    /// <param name="record">The record.</param>
    /// <param name="includeId">Write <c>_id</c> first (search answers); Elasticsearch takes it in the bulk action instead.</param>
    public static void Write(Utf8JsonWriter writer, LogEvent record, bool includeId)
    {
        writer.WriteStartObject();
        if (includeId)
        {
            writer.WriteString("_id", record.Id);
        }

        Span<char> time = stackalloc char[StoreTimestamp.Length];
        StoreTimestamp.Format(record.TimeUnixNanos, time);
        writer.WriteString(LogEventFields.TimestampMember, time);
        if (record.TryGetOriginalLogUtf8(out var utf8))
        {
            writer.WriteString(LogEventFields.LogMember, utf8);
        }
        else if (record.Log is { } log)
        {
            writer.WriteString(LogEventFields.LogMember, log);
        }

        if (LogEventFields.StreamName(record.Stream) is { } stream)
        {
            writer.WriteString(LogEventFields.StreamMember, stream);
        }

        WriteKubernetes(writer, record);
        if (record.Flags != LogRecordFlags.None)
        {
            writer.WriteStartArray(FlagsMember);
            foreach (var (flag, name) in FlagNames)
            {
                if ((record.Flags & flag) != 0)
                {
                    writer.WriteStringValue(name);
                }
            }

            writer.WriteEndArray();
        }

        if (!record.SourceMetadataPending && record.Fields is { } fields)
        {
            foreach (var (name, value) in fields)
            {
                if (name is LogEventFields.KubernetesMember or LogEventFields.TimestampMember or LogEventFields.LogMember
                    or LogEventFields.StreamMember or FlagsMember or "_id")
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The flag names of a record, as <see cref="FlagsMember"/> lists them.</summary>
    public static IEnumerable<string> FlagNamesOf(LogRecordFlags flags) =>
        FlagNames.Where(f => (flags & f.Flag) != 0).Select(f => f.Name);

    /// <summary>The members a source's pod metadata adds to <c>kubernetes</c>, in fluent-bit's order.</summary>
    public static void WriteSourceMetadata(Utf8JsonWriter writer, LogSource source)
    {
        WriteMap(writer, LabelsMember, source.Labels);
        WriteMap(writer, AnnotationsMember, source.Annotations);
        if (source.ContainerHash is { } hash)
        {
            writer.WriteString(ContainerHashMember, hash);
        }

        if (source.ContainerImage is { } image)
        {
            writer.WriteString(ContainerImageMember, image);
        }
    }

    private static void WriteSourceMetadata(Utf8JsonWriter writer, SourceMetadataJson encoded)
    {
        if (encoded.Labels is { } labels)
        {
            writer.WritePropertyName(EncodedLabelsMember);
            writer.WriteRawValue(labels, skipInputValidation: true);
        }

        if (encoded.Annotations is { } annotations)
        {
            writer.WritePropertyName(EncodedAnnotationsMember);
            writer.WriteRawValue(annotations, skipInputValidation: true);
        }

        if (encoded.ContainerHash is { } hash)
        {
            writer.WriteString(EncodedContainerHashMember, hash);
        }

        if (encoded.ContainerImage is { } image)
        {
            writer.WriteString(EncodedContainerImageMember, image);
        }
    }

    /// <summary>The record's fields as they start out for a source with pod metadata: <c>{"kubernetes": {labels, …}}</c>, or null.</summary>
    public static JsonObject? SourceMetadataObject(LogSource source)
    {
        if (!LogEvent.HasPodMetadata(source))
        {
            return null;
        }

        var kubernetes = new JsonObject();
        if (source.Labels is { } labels)
        {
            kubernetes[LabelsMember] = MapObject(labels);
        }

        if (source.Annotations is { } annotations)
        {
            kubernetes[AnnotationsMember] = MapObject(annotations);
        }

        if (source.ContainerHash is { } hash)
        {
            kubernetes[ContainerHashMember] = hash;
        }

        if (source.ContainerImage is { } image)
        {
            kubernetes[ContainerImageMember] = image;
        }

        return new JsonObject { [LogEventFields.KubernetesMember] = kubernetes };
    }

    /// <summary>The JSON of <see cref="SourceMetadataObject"/>, written without building nodes (the embedded store's fields column).</summary>
    public static string SourceMetadataJson(LogSource source)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(LogEventFields.KubernetesMember);
            WriteSourceMetadata(writer, source);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static JsonObject MapObject(IReadOnlyDictionary<string, string> map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map)
        {
            result[key] = value;
        }

        return result;
    }

    private static void WriteKubernetes(Utf8JsonWriter writer, LogEvent record)
    {
        var pending = record.SourceMetadataPending;
        var extra = pending ? null : record.Fields?[LogEventFields.KubernetesMember] as JsonObject;
        if (record.PodName is null && record.Namespace is null && record.PodId is null && record.Host is null
            && record.ContainerName is null && record.ContainerId is null && extra is null && !pending)
        {
            return;
        }

        writer.WriteStartObject(LogEventFields.KubernetesMember);
        foreach (var name in LogEvent.KubernetesProperties)
        {
            if (record.GetKubernetesProperty(name) is { } value)
            {
                writer.WriteString(name, value);
            }
        }

        if (pending && record.SourceMetadata is { } encoded)
        {
            WriteSourceMetadata(writer, encoded);
        }
        else if (pending)
        {
            WriteSourceMetadata(writer, record.Source);
        }

        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                if (LogEvent.IsKubernetesProperty(name))
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }
}
