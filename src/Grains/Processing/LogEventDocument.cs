using System.Text.Json;
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

        if (record.Fields is { } fields)
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

    private static void WriteKubernetes(Utf8JsonWriter writer, LogEvent record)
    {
        var extra = record.Fields?[LogEventFields.KubernetesMember] as System.Text.Json.Nodes.JsonObject;
        if (record.PodName is null && record.Namespace is null && record.PodId is null && record.Host is null
            && record.ContainerName is null && record.ContainerId is null && extra is null)
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
