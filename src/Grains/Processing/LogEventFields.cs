using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Processing;

/// <summary>
/// Reads and writes a <see cref="LogEvent"/> by <see cref="FieldPath"/>, so filters address the
/// document the way users see it whether a member is a property of the event (<c>log</c>,
/// <c>stream</c>, <c>@timestamp</c>, <c>kubernetes.pod_name</c>, …) or lives in its fields.
/// </summary>
public static class LogEventFields
{
    public const string TimestampMember = "@timestamp";
    public const string LogMember = "log";
    public const string StreamMember = "stream";
    public const string KubernetesMember = "kubernetes";

    /// <summary>The value as text: strings as they are, numbers and booleans as JSON writes them, objects and arrays as JSON; null when absent.</summary>
    public static string? GetString(this LogEvent record, FieldPath path)
    {
        var segments = path.Segments;
        switch (segments[0])
        {
            case LogMember when segments.Count == 1:
                return record.Log;
            case StreamMember when segments.Count == 1:
                return StreamName(record.Stream);
            case TimestampMember when segments.Count == 1:
                return StoreTimestamp.Format(record.TimeUnixNanos);
            case KubernetesMember when segments.Count == 2 && LogEvent.IsKubernetesProperty(segments[1]):
                return record.GetKubernetesProperty(segments[1]);
        }

        return ScalarText(Find(record.Fields, segments));
    }

    /// <summary>The value as a JSON node (a copy: changing it does not change the record); null when absent.</summary>
    public static JsonNode? GetNode(this LogEvent record, FieldPath path)
    {
        var segments = path.Segments;
        if (segments[0] == KubernetesMember && segments.Count == 1)
        {
            return KubernetesObject(record);
        }

        if (IsProperty(segments))
        {
            return record.GetString(path) is { } text ? JsonValue.Create(text) : null;
        }

        return Find(record.Fields, segments)?.DeepClone();
    }

    public static bool Exists(this LogEvent record, FieldPath path)
    {
        var segments = path.Segments;
        if (segments[0] == KubernetesMember && segments.Count == 1)
        {
            return KubernetesObject(record) is not null;
        }

        return IsProperty(segments) ? record.GetString(path) is not null : Find(record.Fields, segments) is not null;
    }

    /// <summary>
    /// Sets the member, creating objects on the way. A property that holds text (<c>log</c>,
    /// <c>kubernetes.pod_name</c>…) takes a string, or the JSON of any other value;
    /// <c>@timestamp</c> takes an RFC 3339 time and returns false (changing nothing) for anything else.
    /// </summary>
    public static bool Set(this LogEvent record, FieldPath path, JsonNode? value)
    {
        var segments = path.Segments;
        switch (segments[0])
        {
            case LogMember when segments.Count == 1:
                record.Log = Text(value);
                return true;
            case StreamMember when segments.Count == 1:
                if (ParseStream(Text(value)) is { } stream)
                {
                    record.Stream = stream;
                    return true;
                }

                break;
            case TimestampMember when segments.Count == 1:
                if (Text(value) is { } time && Rfc3339.TryParseUnixNanos(Encoding.UTF8.GetBytes(time), out var nanos))
                {
                    record.TimeUnixNanos = nanos;
                    return true;
                }

                return false;
            case KubernetesMember when segments.Count == 2 && LogEvent.IsKubernetesProperty(segments[1]):
                record.SetKubernetesProperty(segments[1], Text(value));
                return true;
            case KubernetesMember when segments.Count == 1 && value is JsonObject members:
                foreach (var name in LogEvent.KubernetesProperties)
                {
                    record.SetKubernetesProperty(name, null);
                }

                record.Fields?.Remove(KubernetesMember);
                foreach (var (name, member) in members)
                {
                    record.Set(Parse(KubernetesMember, name), member);
                }

                return true;
        }

        var parent = record.EnsureFields();
        for (var i = 0; i < segments.Count - 1; i++)
        {
            if (parent[segments[i]] is not JsonObject child)
            {
                child = [];
                parent[segments[i]] = child;
            }

            parent = child;
        }

        parent[segments[^1]] = value?.Parent is null ? value : value.DeepClone();
        return true;
    }

    /// <summary>Sets a text value.</summary>
    public static bool Set(this LogEvent record, FieldPath path, string? value) => record.Set(path, value is null ? null : JsonValue.Create(value));

    /// <summary>Removes the member; false when it was not there. <c>@timestamp</c> cannot be removed.</summary>
    public static bool Remove(this LogEvent record, FieldPath path)
    {
        var segments = path.Segments;
        switch (segments[0])
        {
            case LogMember when segments.Count == 1:
                var had = record.Log is not null;
                record.Log = null;
                return had;
            case StreamMember when segments.Count == 1:
                return false;
            case TimestampMember when segments.Count == 1:
                return false;
            case KubernetesMember when segments.Count == 2 && LogEvent.IsKubernetesProperty(segments[1]):
                var present = record.GetKubernetesProperty(segments[1]) is not null;
                record.SetKubernetesProperty(segments[1], null);
                return present;
            case KubernetesMember when segments.Count == 1:
                var any = KubernetesObject(record) is not null;
                foreach (var name in LogEvent.KubernetesProperties)
                {
                    record.SetKubernetesProperty(name, null);
                }

                record.Fields?.Remove(KubernetesMember);
                return any;
        }

        if (Find(record.Fields, segments, segments.Count - 1) is JsonObject parent)
        {
            return parent.Remove(segments[^1]);
        }

        return false;
    }

    /// <summary>Names of the document's top-level members, in document order.</summary>
    public static IEnumerable<string> TopLevelNames(this LogEvent record)
    {
        yield return TimestampMember;
        if (record.Log is not null)
        {
            yield return LogMember;
        }

        yield return StreamMember;
        if (KubernetesObject(record) is not null)
        {
            yield return KubernetesMember;
        }

        if (record.Fields is not null)
        {
            foreach (var (name, _) in record.Fields)
            {
                if (name != KubernetesMember)
                {
                    yield return name;
                }
            }
        }
    }

    public static string? StreamName(LogStream stream) => stream switch
    {
        LogStream.Stdout => "stdout",
        LogStream.Stderr => "stderr",
        _ => null,
    };

    private static FieldPath Parse(params string[] segments) => FieldPath.Parse(string.Join('.', segments));

    private static LogStream? ParseStream(string? text) => text switch
    {
        "stdout" => LogStream.Stdout,
        "stderr" => LogStream.Stderr,
        _ => null,
    };

    private static bool IsProperty(IReadOnlyList<string> segments) =>
        segments.Count == 1 ? segments[0] is LogMember or StreamMember or TimestampMember
        : segments.Count == 2 && segments[0] == KubernetesMember && LogEvent.IsKubernetesProperty(segments[1]);

    private static JsonNode? Find(JsonObject? fields, IReadOnlyList<string> segments) => Find(fields, segments, segments.Count);

    // The first `count` segments only: a parent without copying the path (Remove runs per record).
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

    private static JsonObject? KubernetesObject(LogEvent record)
    {
        JsonObject? result = null;
        foreach (var name in LogEvent.KubernetesProperties)
        {
            if (record.GetKubernetesProperty(name) is { } value)
            {
                (result ??= [])[name] = value;
            }
        }

        if (record.Fields?[KubernetesMember] is JsonObject extra)
        {
            foreach (var (name, member) in extra)
            {
                if (!LogEvent.IsKubernetesProperty(name))
                {
                    (result ??= [])[name] = member?.DeepClone();
                }
            }
        }

        return result;
    }

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Null => null,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    /// <summary>A number for a value written as a JSON number or as text holding one.</summary>
    public static bool TryGetNumber(this LogEvent record, FieldPath path, out double number) =>
        double.TryParse(record.GetString(path), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
}
