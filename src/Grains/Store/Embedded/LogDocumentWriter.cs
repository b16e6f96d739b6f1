using System.Text.Json;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Search.Kql;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// Writes a stored record as the document fluent-bit's Kubernetes filter would have sent to
/// Elasticsearch, so saved searches and tools built on that shape keep working:
/// <c>_id</c>, <c>@timestamp</c>, <c>log</c> (unless a filter removed it), <c>stream</c>, <c>kubernetes{…}</c>, then
/// <c>pipeline_flags</c> when any flag is set, then the members of the extra <c>fields</c> JSON.
/// Null values are left out.
/// </summary>
internal static class LogDocumentWriter
{
    /// <summary>Name of the member that lists the record's flags, and of the KQL field that searches them.</summary>
    public const string FlagsMember = "pipeline_flags";

    private const string KubernetesMember = "kubernetes";

    private static readonly (LogRecordFlags Flag, string Name)[] FlagNames =
    [
        (LogRecordFlags.Truncated, "truncated"),
        (LogRecordFlags.Unparsed, "unparsed"),
        (LogRecordFlags.Utf8Repaired, "utf8_repaired"),
        (LogRecordFlags.Joined, "joined"),
        (LogRecordFlags.Incomplete, "incomplete"),
    ];

    // Top-level names the document writes itself; extra fields of the same name are dropped.
    private static readonly HashSet<string> ReservedMembers = new(StringComparer.Ordinal)
    {
        "_id", "@timestamp", "log", "stream", KubernetesMember, FlagsMember,
    };

    /// <summary>Writes the document; returns false when the record's <c>fields</c> JSON was unreadable and left out.</summary>
    public static bool Write(Utf8JsonWriter writer, in StoredLogRecord record)
    {
        JsonDocument? fields = null;
        var fieldsReadable = true;
        if (record.Fields is not null)
        {
            try
            {
                fields = JsonDocument.Parse(record.Fields);
                if (fields.RootElement.ValueKind != JsonValueKind.Object)
                {
                    fields.Dispose();
                    fields = null;
                    fieldsReadable = false;
                }
            }
            catch (JsonException)
            {
                fieldsReadable = false;
            }
        }

        using (fields)
        {
            Span<char> time = stackalloc char[StoreTimestamp.Length];
            StoreTimestamp.Format(record.TimeUnixNanos, time);

            writer.WriteStartObject();
            writer.WriteString("_id", record.Id);
            writer.WriteString("@timestamp", time);
            if ((record.Flags & EmbeddedLogStoreSchema.NoLogFlag) == 0)
            {
                writer.WriteString("log", record.Log);
            }

            WriteIfPresent(writer, "stream", record.Stream);
            WriteKubernetes(writer, record, fields);
            if ((record.Flags & EmbeddedLogStoreSchema.RecordFlagsMask) != 0)
            {
                writer.WriteStartArray(FlagsMember);
                foreach (var (flag, name) in FlagNames)
                {
                    if ((record.Flags & (int)flag) != 0)
                    {
                        writer.WriteStringValue(name);
                    }
                }

                writer.WriteEndArray();
            }

            if (fields is not null)
            {
                foreach (var member in fields.RootElement.EnumerateObject())
                {
                    if (!ReservedMembers.Contains(member.Name))
                    {
                        member.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
        }

        return fieldsReadable;
    }

    /// <summary>The flag bits whose names match a KQL value (a name, or a wildcard pattern over names).</summary>
    public static int FlagsMatching(string value, bool isPattern)
    {
        var mask = 0;
        foreach (var (flag, name) in FlagNames)
        {
            if (isPattern ? WildcardMatches(KqlWildcardPattern.Split(value), name) : value == name)
            {
                mask |= (int)flag;
            }
        }

        return mask;
    }

    private static void WriteKubernetes(Utf8JsonWriter writer, in StoredLogRecord record, JsonDocument? fields)
    {
        var extra = fields is not null
            && fields.RootElement.TryGetProperty(KubernetesMember, out var element)
            && element.ValueKind == JsonValueKind.Object
                ? element
                : default(JsonElement?);
        if (record.Pod is null && record.Namespace is null && record.PodId is null && record.Host is null
            && record.Container is null && record.ContainerId is null && extra is null)
        {
            return;
        }

        writer.WriteStartObject(KubernetesMember);
        WriteIfPresent(writer, "pod_name", record.Pod);
        WriteIfPresent(writer, "namespace_name", record.Namespace);
        WriteIfPresent(writer, "pod_id", record.PodId);
        WriteIfPresent(writer, "host", record.Host);
        WriteIfPresent(writer, "container_name", record.Container);
        WriteIfPresent(writer, "docker_id", record.ContainerId);
        if (extra is { } members)
        {
            // Labels, annotations, image… from a later enrichment stage join the columns' members.
            foreach (var member in members.EnumerateObject())
            {
                if (!IsColumnMember(member.Name, record))
                {
                    member.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    private static bool IsColumnMember(string name, in StoredLogRecord record) => name switch
    {
        "pod_name" => record.Pod is not null,
        "namespace_name" => record.Namespace is not null,
        "pod_id" => record.PodId is not null,
        "host" => record.Host is not null,
        "container_name" => record.Container is not null,
        "docker_id" => record.ContainerId is not null,
        _ => false,
    };

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static bool WildcardMatches(IReadOnlyList<string> segments, string text)
    {
        if (segments.Count == 1)
        {
            return text == segments[0];
        }

        var first = segments[0];
        var last = segments[^1];
        if (!text.StartsWith(first, StringComparison.Ordinal) || text.Length < first.Length + last.Length
            || !text.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        var position = first.Length;
        for (var i = 1; i < segments.Count - 1; i++)
        {
            var found = text.IndexOf(segments[i], position, text.Length - last.Length - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + segments[i].Length;
        }

        return true;
    }
}
