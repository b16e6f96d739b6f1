using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A record's members as filters move them around: reads without the copy
/// <see cref="LogEventFields.GetNode"/> makes, takes a member out detached (so a rename moves the
/// node instead of cloning it), and writes top-level members by name without building a
/// <see cref="FieldPath"/>.
/// </summary>
internal static class RecordMembers
{
    /// <summary>Suffix given to a parsed member whose name the document writes itself (<c>stream</c> → <c>stream_parsed</c>).</summary>
    public const string ReservedSuffix = "_parsed";

    /// <summary>Members the document writes from the record's own properties; parsed data never replaces them.</summary>
    public static bool IsReserved(string name) =>
        name is LogEventFields.TimestampMember or LogEventFields.StreamMember or LogEventFields.KubernetesMember
            or LogEventDocument.FlagsMember or "_id";

    public static bool IsLog(FieldPath path) => path.Segments.Count == 1 && path.Segments[0] == LogEventFields.LogMember;

    private static bool IsKubernetesObject(FieldPath path) => path.Segments.Count == 1 && path.Segments[0] == LogEventFields.KubernetesMember;

    private static bool IsProperty(FieldPath path)
    {
        var segments = path.Segments;
        return segments.Count == 1
            ? segments[0] is LogEventFields.LogMember or LogEventFields.StreamMember or LogEventFields.TimestampMember
            : segments.Count == 2 && segments[0] == LogEventFields.KubernetesMember && LogEvent.IsKubernetesProperty(segments[1]);
    }

    /// <summary>
    /// The value without copying: the node inside <see cref="LogEvent.Fields"/> (do not attach it
    /// elsewhere, clone it), or a new text node for a property; null when absent or JSON null.
    /// </summary>
    public static JsonNode? Peek(LogEvent record, FieldPath path)
    {
        if (IsKubernetesObject(path))
        {
            return record.GetNode(path);
        }

        if (IsProperty(path))
        {
            return record.GetString(path) is { } text ? JsonValue.Create(text) : null;
        }

        return Find(record.Fields, path.Segments, path.Segments.Count);
    }

    /// <summary>A value that may be attached to another parent: <paramref name="node"/> itself when it has none, else a copy.</summary>
    public static JsonNode Detached(JsonNode node) => node.Parent is null ? node : node.DeepClone();

    /// <summary>
    /// Removes the member and returns it detached, or null when absent. <c>stream</c> and
    /// <c>@timestamp</c> cannot be removed: their value is returned and they stay.
    /// </summary>
    public static JsonNode? Take(LogEvent record, FieldPath path)
    {
        if (IsKubernetesObject(path) || IsProperty(path))
        {
            var value = Peek(record, path);
            if (value is not null)
            {
                record.Remove(path);
            }

            return value is null ? null : Detached(value);
        }

        var segments = path.Segments;
        if (Find(record.Fields, segments, segments.Count - 1) is JsonObject parent
            && parent.TryGetPropertyValue(segments[^1], out var node) && node is not null)
        {
            parent.Remove(segments[^1]);
            return node;
        }

        return null;
    }

    /// <summary>Writes a top-level member from parsed data: <c>log</c> becomes the message, reserved names get <see cref="ReservedSuffix"/>.</summary>
    public static void SetTop(LogEvent record, string name, JsonNode? value)
    {
        if (name == LogEventFields.LogMember)
        {
            record.Log = Text(value);
            return;
        }

        var fields = record.EnsureFields();
        fields[IsReserved(name) ? name + ReservedSuffix : name] = value;
    }

    /// <summary>Removes a top-level member by name; <c>@timestamp</c> and <c>stream</c> stay.</summary>
    public static void RemoveTop(LogEvent record, string name)
    {
        switch (name)
        {
            case LogEventFields.LogMember:
                record.Log = null;
                break;
            case LogEventFields.TimestampMember or LogEventFields.StreamMember:
                break;
            case LogEventFields.KubernetesMember:
                record.Remove(KubernetesPath);
                break;
            default:
                record.Fields?.Remove(name);
                break;
        }
    }

    private static readonly FieldPath KubernetesPath = FieldPath.Parse(LogEventFields.KubernetesMember);

    /// <summary>
    /// Removes what the application put in the record (the message and every field but
    /// <c>kubernetes</c>), keeping what the pipeline owns: time, stream, Kubernetes metadata, flags.
    /// </summary>
    public static void ClearApplicationMembers(LogEvent record)
    {
        record.Log = null;
        if (record.Fields is not { Count: > 0 } fields)
        {
            return;
        }

        if (fields.TryGetPropertyValue(LogEventFields.KubernetesMember, out var kubernetes) && kubernetes is not null)
        {
            fields.Remove(LogEventFields.KubernetesMember);
            fields.Clear();
            fields[LogEventFields.KubernetesMember] = kubernetes;
        }
        else
        {
            fields.Clear();
        }
    }

    /// <summary>Strings as they are, anything else as its JSON; null for null.</summary>
    public static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>What a regular expression is matched against: strings, and numbers and booleans as JSON writes them; null for objects, arrays and null.</summary>
    public static string? MatchText(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    private static JsonNode? Find(JsonObject? fields, IReadOnlyList<string> segments, int count)
    {
        JsonNode? node = fields;
        for (var i = 0; i < count; i++)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segments[i], out node))
            {
                return null;
            }
        }

        return node;
    }
}
