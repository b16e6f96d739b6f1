using System.Text.Json;
using Pipeline.Grains.Batching;
using Xunit;
using static Pipeline.Tests.EmbeddedStore.TemporaryLogStore;

namespace Pipeline.Tests.EmbeddedStore;

/// <summary>Hits come back as the documents fluent-bit's Kubernetes filter sends to Elasticsearch.</summary>
public sealed class LogDocumentShapeTests : IAsyncLifetime
{
    private readonly TemporaryLogStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Document_has_the_fluent_bit_kubernetes_shape()
    {
        var source = Source("web", "shop", "web-7c9d8f6b5-x2x4q", "web");
        await _store.Store.WriteAsync(
            Batch((source, 1234, At(0) + 123, LogStream.Stdout, LogRecordFlags.None, "GET /healthz 200\n")),
            CancellationToken.None);

        using var document = await SingleDocumentAsync("healthz");
        var root = document.RootElement;

        Assert.Equal(
            new[] { "_id", "@timestamp", "log", "stream", "kubernetes" },
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("file-web-1234", root.GetProperty("_id").GetString());
        Assert.Equal("2026-11-25T10:00:00.000000123Z", root.GetProperty("@timestamp").GetString());
        Assert.Equal("GET /healthz 200\n", root.GetProperty("log").GetString());
        Assert.Equal("stdout", root.GetProperty("stream").GetString());
        var kubernetes = root.GetProperty("kubernetes");
        Assert.Equal("web-7c9d8f6b5-x2x4q", kubernetes.GetProperty("pod_name").GetString());
        Assert.Equal("shop", kubernetes.GetProperty("namespace_name").GetString());
        Assert.Equal("uid-web-7c9d8f6b5-x2x4q", kubernetes.GetProperty("pod_id").GetString());
        Assert.Equal("node-3", kubernetes.GetProperty("host").GetString());
        Assert.Equal("web", kubernetes.GetProperty("container_name").GetString());
        Assert.Equal("cid-web", kubernetes.GetProperty("docker_id").GetString());
    }

    [Fact]
    public async Task Missing_metadata_is_left_out_not_written_as_null()
    {
        var source = Source("orphan", ns: null);
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stderr, LogRecordFlags.None, "no metadata")),
            CancellationToken.None);

        using var document = await SingleDocumentAsync("metadata");

        Assert.Equal(new[] { "_id", "@timestamp", "log", "stream" }, document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("stderr", document.RootElement.GetProperty("stream").GetString());
    }

    [Fact]
    public async Task Set_flags_are_listed_by_name()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.Truncated | LogRecordFlags.Utf8Repaired | LogRecordFlags.Incomplete, "flagged")),
            CancellationToken.None);

        using var document = await SingleDocumentAsync("flagged");

        Assert.Equal(
            new[] { "truncated", "utf8_repaired", "incomplete" },
            document.RootElement.GetProperty("pipeline_flags").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Every_flag_has_its_name()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stdout, (LogRecordFlags)31, "all flags")),
            CancellationToken.None);

        using var document = await SingleDocumentAsync("flags");

        Assert.Equal(
            new[] { "truncated", "unparsed", "utf8_repaired", "joined", "incomplete" },
            document.RootElement.GetProperty("pipeline_flags").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Extra_fields_are_merged_at_top_level_without_overriding_the_record()
    {
        var source = Source("web", "shop", "web-1", "web");
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "parsed line")),
            CancellationToken.None);
        _store.SetFields("file-web-0", """
            {"level":"info","http":{"status":200},"log":"must not win","kubernetes":{"labels":{"app":"web"},"pod_name":"must not win"}}
            """);

        using var document = await SingleDocumentAsync("parsed");
        var root = document.RootElement;

        Assert.Equal("parsed line", root.GetProperty("log").GetString());
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal(200, root.GetProperty("http").GetProperty("status").GetInt32());
        Assert.Equal("web-1", root.GetProperty("kubernetes").GetProperty("pod_name").GetString());
        Assert.Equal("web", root.GetProperty("kubernetes").GetProperty("labels").GetProperty("app").GetString());
        Assert.Single(root.EnumerateObject(), p => p.Name == "log");
    }

    [Fact]
    public async Task Unreadable_extra_fields_are_left_out()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "broken fields")),
            CancellationToken.None);
        _store.SetFields("file-a-0", "{not json");

        using var document = await SingleDocumentAsync("broken");

        Assert.Equal(new[] { "_id", "@timestamp", "log", "stream", "kubernetes" }, document.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Non_ascii_and_control_characters_survive_the_round_trip()
    {
        var source = Source("a");
        var message = "caf\u00e9 \u2603 \"quoted\" <tag> \t tab \u0001";
        await _store.Store.WriteAsync(
            Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, message)),
            CancellationToken.None);

        var hit = Assert.Single((await _store.SearchAsync("caf\u00e9")).Hits);
        using var document = JsonDocument.Parse(hit.Document);

        Assert.Equal(message, document.RootElement.GetProperty("log").GetString());
        Assert.Contains("caf\u00e9 \u2603", hit.Document, StringComparison.Ordinal);
    }

    private async Task<JsonDocument> SingleDocumentAsync(string kql)
    {
        var hit = Assert.Single((await _store.SearchAsync(kql)).Hits);
        return JsonDocument.Parse(hit.Document);
    }
}
