using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Processing;
using Xunit;

namespace Pipeline.Tests.DeadLetters;

public sealed class LogEventJsonTests
{
    private const long TenOClock = 1_795_600_800_000_000_000;

    private static readonly LogSource Source = new()
    {
        FileKey = "9f3c2a71d0b4e8aa",
        Path = "/var/log/containers/checkout-7d9f_shop_app-0123.log",
        Namespace = "shop",
        PodName = "checkout-7d9f",
        PodId = "6a1f5c3e-1b7d-4c2a-9e0f-3d5b7a9c1e2f",
        ContainerName = "app",
        ContainerId = "0123456789abcdef",
        Host = "node-1",
    };

    public static TheoryData<bool> Encoders => new() { false, true };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Write_read_write_gives_the_same_document(bool relaxedEscaping)
    {
        var options = relaxedEscaping ? new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping } : default;
        var record = new LogEvent("shop", Source, 4096, TenOClock + 123_456_789, LogStream.Stderr,
            LogRecordFlags.Joined | LogRecordFlags.Truncated, "java.lang.IllegalStateException: \"caf\u00e9\" <b>\n\tat A.b(A.java:1)");
        record.Fields = JsonNode.Parse("""
            {
              "kubernetes": {"labels": {"app": "checkout", "tier": "web"}, "container_image": "shop/checkout:1.4.2"},
              "level": "error",
              "http": {"status": 503, "latency_ms": 12.50, "retried": true, "tags": ["a", null, 3e2]},
              "trace_id": null
            }
            """)!.AsObject();

        var first = Write(record, options);
        var read = LogEventJson.Read(first, "shop");
        var second = Write(read, options);

        Assert.Equal(first, second);
        Assert.Contains("\"pipeline_flags\":[\"truncated\",\"joined\"]", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_puts_each_member_where_the_event_keeps_it()
    {
        var record = new LogEvent("shop", Source, 4096, TenOClock + 5, LogStream.Stdout, LogRecordFlags.Unparsed, "GET /orders 200");
        record.Fields = JsonNode.Parse("""{"kubernetes": {"labels": {"app": "checkout"}}, "level": "info"}""")!.AsObject();

        var read = LogEventJson.Read(Write(record, default), "tenant-b");

        Assert.Equal("9f3c2a71d0b4e8aa-4096", read.Id);
        Assert.Equal("tenant-b", read.Tenant);
        Assert.Equal("9f3c2a71d0b4e8aa", read.Source.FileKey);
        Assert.Equal(4096, read.Offset);
        Assert.Equal(TenOClock + 5, read.TimeUnixNanos);
        Assert.Equal("GET /orders 200", read.Log);
        Assert.Equal(LogStream.Stdout, read.Stream);
        Assert.Equal(LogRecordFlags.Unparsed, read.Flags);
        Assert.Equal(
            new[] { Source.Namespace, Source.PodName, Source.PodId, Source.ContainerName, Source.ContainerId, Source.Host },
            new[] { read.Namespace, read.PodName, read.PodId, read.ContainerName, read.ContainerId, read.Host });
        var fields = Assert.IsType<JsonObject>(read.Fields);
        Assert.Equal(["kubernetes", "level"], fields.Select(f => f.Key).Order());
        Assert.Equal("""{"labels":{"app":"checkout"}}""", fields["kubernetes"]?.ToJsonString());
        Assert.Equal("info", fields["level"]?.GetValue<string>());
    }

    [Fact]
    public void A_document_without_log_kubernetes_or_flags_reads_back_as_it_was()
    {
        const string Document = """{"_id":"replayed","@timestamp":"2026-11-25T10:00:00.000000007Z","stream":"stderr","msg":"structured"}""";

        var read = LogEventJson.Read(Document, "shop");

        Assert.Null(read.Log);
        Assert.Null(read.Namespace);
        Assert.Equal(LogRecordFlags.None, read.Flags);
        Assert.Equal("replayed", read.Id);
        Assert.Equal(string.Empty, read.Source.FileKey);
        Assert.Equal(0, read.Offset);
        Assert.Equal(Document, Write(read, default));
    }

    [Theory]
    [InlineData("""{"@timestamp":"2026-11-25T10:00:00Z","log":"x"}""", "no _id")]
    [InlineData("""{"_id":"a-1","@timestamp":"yesterday","log":"x"}""", "no readable @timestamp")]
    [InlineData("""["_id"]""", "not a JSON object")]
    [InlineData("""{"_id":""", "not valid JSON")]
    public void A_document_that_cannot_be_an_event_is_refused_with_why(string document, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => LogEventJson.Read(document, "shop"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static string Write(LogEvent record, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            LogEventDocument.Write(writer, record, includeId: true);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
