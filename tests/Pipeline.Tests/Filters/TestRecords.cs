using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Processing;

namespace Pipeline.Tests.Filters;

/// <summary>Records as an aggregator gets them from a batch (message as UTF-8 bytes), and their documents.</summary>
internal static class TestRecords
{
    public const long Time = 1_764_064_800_000_000_000; // 2025-11-25T10:00:00Z

    public static LogSource Source(string ns = "shop", string pod = "web-1", string container = "main") => new()
    {
        FileKey = "f1",
        Path = $"/var/log/containers/{pod}_{ns}_{container}-0123456789ab.log",
        Namespace = ns,
        PodName = pod,
        PodId = "6b1c0f4e-pod",
        ContainerName = container,
        ContainerId = "0123456789ab",
        Host = "node-1",
    };

    /// <summary>A record whose message is still the batch's bytes.</summary>
    public static LogEvent Message(string log, string? tenant = null, string ns = "shop", string pod = "web-1", LogStream stream = LogStream.Stdout) =>
        new(tenant ?? ns, Source(ns, pod), 0, Time, stream, LogRecordFlags.None, Encoding.UTF8.GetBytes(log));

    /// <summary>A record with fields (a JSON object) besides its message.</summary>
    public static LogEvent WithFields(string fieldsJson, string log = "hello", string? tenant = null, string ns = "shop")
    {
        var record = Message(log, tenant, ns);
        record.Fields = JsonNode.Parse(fieldsJson)!.AsObject();
        return record;
    }

    /// <summary>The fluent-bit document the outputs would write.</summary>
    public static JsonObject Document(LogEvent record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LogEventDocument.Write(writer, record, includeId: false);
        }

        return JsonNode.Parse(buffer.ToArray())!.AsObject();
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document without the members every record has, to compare what filters changed.</summary>
    public static string Members(LogEvent record)
    {
        var document = Document(record);
        document.Remove("@timestamp");
        document.Remove("stream");
        document.Remove("kubernetes");
        return document.ToJsonString(Readable);
    }
}
