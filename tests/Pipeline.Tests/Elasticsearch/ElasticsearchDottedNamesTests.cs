using System.Text.Json.Nodes;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Processing;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchTestRecords;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Records whose names hold dots, as real clusters write them: charts give pods <c>app</c> and
/// <c>app.kubernetes.io/name</c>, JSON log lines carry <c>log.level</c> beside the message
/// <c>log</c>. With Elasticsearch's default mapping every one of them is refused; with the output's
/// index template all are stored as written (or, with <c>replace_dots</c>, as fluent-bit's
/// <c>Replace_Dots</c> writes them).
/// </summary>
public sealed class ElasticsearchDottedNamesTests : IAsyncLifetime
{
    private const string Today = "kubernetes_cluster-2026.11.25";

    private ElasticsearchStandIn _es = null!;

    public async Task InitializeAsync() => _es = await ElasticsearchStandIn.StartAsync();

    public async Task DisposeAsync() => await _es.DisposeAsync();

    [Fact]
    public async Task Labels_and_json_fields_with_dots_are_stored_as_written()
    {
        var sink = new RecordingDeadLetterSink();
        using var output = Output(Options(_es), sink);

        var result = await output.WriteAsync(DottedRecords(), CancellationToken.None);

        Assert.Empty(sink.Letters);
        Assert.Equal(new OutputResult(4, 0, 0), result);
        var first = _es.Documents(Today)[0].Source;
        Assert.Equal("web", first.GetProperty("kubernetes").GetProperty("labels").GetProperty("app.kubernetes.io/name").GetString());
        Assert.Equal("error", first.GetProperty("log.level").GetString());
        Assert.Equal("web", first.GetProperty("kubernetes").GetProperty("labels").GetProperty("app").GetString());
    }

    [Fact]
    public async Task The_same_records_are_refused_by_an_index_without_the_template()
    {
        // What a cluster does with Elasticsearch's default mapping (the template not installed):
        // the dotted names are expanded into objects that collide with leaf fields.
        var sink = new RecordingDeadLetterSink();
        using var output = Output(Options(_es, o => o.InstallTemplate = false), sink);

        var result = await output.WriteAsync(DottedRecords(), CancellationToken.None);

        // Within one document Elasticsearch 9 fails while merging the mapping: "mapper [kubernetes.labels.app] cannot be changed from type [text] to [ObjectMapper]".
        Assert.Equal(4, sink.Letters.Count);
        Assert.All(sink.Letters, l => Assert.Equal(400, l.Status));
        Assert.All(sink.Letters, l => Assert.Contains("[kubernetes.labels.app]", l.Reason, StringComparison.Ordinal));
        Assert.Equal(0, result.Stored);
        Assert.DoesNotContain("kubernetes_cluster", _es.Templates.Keys);
    }

    [Fact]
    public async Task With_replace_dots_names_are_written_with_underscores_as_fluent_bit_does()
    {
        var sink = new RecordingDeadLetterSink();
        using var output = Output(Options(_es, o => o.ReplaceDots = true), sink);

        var result = await output.WriteAsync(DottedRecords(), CancellationToken.None);

        Assert.Empty(sink.Letters);
        Assert.Equal(4, result.Stored);
        var first = _es.Documents(Today)[0].Source;
        Assert.Equal("web", first.GetProperty("kubernetes").GetProperty("labels").GetProperty("app_kubernetes_io/name").GetString());
        Assert.Equal("error", first.GetProperty("log_level").GetString());
        Assert.Equal("java.lang.NullPointerException: x.y", first.GetProperty("log").GetString());
        Assert.False(first.TryGetProperty("log.level", out _));
        Assert.Equal("say \"hi\"\n\u00e9 \\ \u0001", _es.Documents(Today)[1].Source.GetProperty("http_user_agent").GetString());
        var request = _es.BulkRequests.Single();
        Assert.DoesNotContain("\"app.kubernetes.io/name\"", request.DecodedBody, StringComparison.Ordinal);
        Assert.DoesNotContain("\"log.level\"", request.DecodedBody, StringComparison.Ordinal);
        Assert.Contains("\"@timestamp\"", request.DecodedBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two pods of charts that label <c>app</c> and <c>app.kubernetes.io/name</c>; ECS-style lines
    /// with <c>log.level</c>; lines with <c>app</c> beside <c>app.version</c>, and one where
    /// <c>app</c> is an object.
    /// </summary>
    private static List<LogEvent> DottedRecords()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web", ["app.kubernetes.io/name"] = "web", ["app.kubernetes.io/instance"] = "web-prod" };
        var source = Source() with { Labels = labels, Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/last-applied-configuration"] = new string('{', 9000) } };
        var records = new List<LogEvent>
        {
            Record("java.lang.NullPointerException: x.y", 0, source: source),
            Record("GET /healthz 200", 1, source: source),
            Record("checkout done", 2, source: source),
            Record("checkout started", 3, source: source),
        };
        records[0].EnsureFields()["log.level"] = "error";
        records[1].EnsureFields()["log.level"] = "info";
        records[1].EnsureFields()["http.user_agent"] = "say \"hi\"\n\u00e9 \\ \u0001";
        records[2].EnsureFields()["app"] = "checkout";
        records[2].EnsureFields()["app.version"] = "1.2.0";
        records[3].EnsureFields()["app"] = new JsonObject { ["version"] = "1.3.0" };
        return records;
    }
}
