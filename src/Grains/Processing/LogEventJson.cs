using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;

namespace Pipeline.Grains.Processing;

/// <summary>
/// Reads back a document as <see cref="LogEventDocument.Write"/> writes it with its <c>_id</c> (a
/// dead letter being replayed, a search hit), so that writing the event again gives the same JSON.
/// </summary>
public static class LogEventJson
{
    /// <summary>
    /// The event of <paramref name="documentJson"/>: <c>_id</c> becomes <see cref="LogEvent.Id"/>,
    /// <c>@timestamp</c>, <c>log</c>, <c>stream</c>, the known <c>kubernetes</c> members and
    /// <c>pipeline_flags</c> their properties, and every other member goes to
    /// <see cref="LogEvent.Fields"/> in order (other <c>kubernetes</c> members to <c>Fields["kubernetes"]</c>).
    /// </summary>
    /// <remarks>
    /// The event's <see cref="LogEvent.Source"/> has no path; its file key and the event's offset are
    /// taken from the id when it has the <c>&lt;file key&gt;-&lt;offset&gt;</c> shape of <see cref="RecordId"/>.
    /// </remarks>
    /// <exception cref="FormatException">Not a JSON object, or no string <c>_id</c>, or no readable <c>@timestamp</c>.</exception>
    public static LogEvent Read(string documentJson, string tenant)
    {
        ArgumentNullException.ThrowIfNull(documentJson);
        ArgumentNullException.ThrowIfNull(tenant);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(documentJson);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The log document is not valid JSON: {ex.Message}", ex);
        }

        if (parsed is not JsonObject document)
        {
            throw new FormatException("The log document is not a JSON object.");
        }

        string? id = null;
        long? time = null;
        string? log = null;
        LogStream stream = default;
        var flags = LogRecordFlags.None;
        JsonObject? kubernetes = null;
        JsonObject? fields = null;

        // Detach the members, so values move into Fields without being copied.
        var members = document.ToList();
        document.Clear();
        foreach (var (name, value) in members)
        {
            switch (name)
            {
                case "_id":
                    id = value is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String
                        ? idValue.GetValue<string>()
                        : throw new FormatException("The log document's _id is not a string.");
                    break;
                case LogEventFields.TimestampMember:
                    time = ReadTime(value);
                    break;
                case LogEventFields.LogMember:
                    log = Text(value);
                    break;
                case LogEventFields.StreamMember:
                    stream = Text(value) switch
                    {
                        "stdout" => LogStream.Stdout,
                        "stderr" => LogStream.Stderr,
                        _ => default,
                    };
                    break;
                case LogEventFields.KubernetesMember when value is JsonObject kubernetesObject:
                    kubernetes = kubernetesObject;
                    break;
                case LogEventDocument.FlagsMember when value is JsonArray names:
                    flags = ReadFlags(names);
                    break;
                default:
                    (fields ??= [])[name] = value;
                    break;
            }
        }

        if (id is null)
        {
            throw new FormatException("The log document has no _id; read documents written with their id (LogEventDocument.Write with includeId: true).");
        }

        if (time is not { } timeUnixNanos)
        {
            throw new FormatException($"The log document {id} has no readable @timestamp (expected RFC 3339, e.g. 2026-11-25T10:00:00.000000000Z).");
        }

        var (fileKey, offset) = SplitId(id);
        var source = new LogSource { FileKey = fileKey, Path = string.Empty };
        var record = new LogEvent(tenant, source, offset, timeUnixNanos, stream, flags, log ?? string.Empty) { Id = id };
        if (log is null)
        {
            record.Log = null;
        }

        if (kubernetes is not null)
        {
            var kubernetesMembers = kubernetes.ToList();
            kubernetes.Clear();
            JsonObject? extra = null;
            foreach (var (name, value) in kubernetesMembers)
            {
                if (LogEvent.IsKubernetesProperty(name))
                {
                    record.SetKubernetesProperty(name, Text(value));
                }
                else
                {
                    (extra ??= [])[name] = value;
                }
            }

            if (extra is not null)
            {
                (fields ??= [])[LogEventFields.KubernetesMember] = extra;
            }
        }

        record.Fields = fields;
        return record;
    }

    private static long? ReadTime(JsonNode? value)
    {
        if (Text(value) is not { } text)
        {
            return null;
        }

        const int MaxTimeLength = 64;
        Span<byte> utf8 = stackalloc byte[MaxTimeLength * 3];
        if (text.Length > MaxTimeLength || !Rfc3339.TryParseUnixNanos(utf8[..Encoding.UTF8.GetBytes(text, utf8)], out var nanos))
        {
            return null;
        }

        return nanos;
    }

    private static LogRecordFlags ReadFlags(JsonArray names)
    {
        var flags = LogRecordFlags.None;
        foreach (var name in names)
        {
            var text = Text(name);
            foreach (var (flag, flagName) in LogEventDocument.Flags)
            {
                if (flagName == text)
                {
                    flags |= flag;
                }
            }
        }

        return flags;
    }

    /// <summary>A record id is "&lt;file key&gt;-&lt;offset&gt;"; any other id keeps an empty key and offset 0.</summary>
    private static (string FileKey, long Offset) SplitId(string id)
    {
        var dash = id.LastIndexOf('-');
        if (dash > 0 && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return (id[..dash], offset);
        }

        return (string.Empty, 0);
    }

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => value.ToJsonString(),
    };
}
