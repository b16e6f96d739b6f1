using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>The stand-in answers in shapes the official client's typed API reads, and keeps Elasticsearch's rules.</summary>
public sealed class ElasticsearchStandInTests : IAsyncLifetime
{
    private ElasticsearchStandIn _es = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _es = await ElasticsearchStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _es.DisposeAsync();
    }

    [Fact]
    public async Task The_typed_client_reads_its_info_bulk_and_search_answers()
    {
        var client = new ElasticsearchClient(_es.Uri);

        var info = await client.InfoAsync();
        var bulk = await client.BulkAsync(b => b
            .Index("things")
            .Create(new Thing("one", 1), c => c.Id("1"))
            .Create(new Thing("two", 2), c => c.Id("2"))
            .Create(new Thing("one again", 1), c => c.Id("1")));
        var refresh = await client.Indices.RefreshAsync("things");
        var search = await client.SearchAsync<Thing>(s => s.Indices("things").Size(10));

        Assert.True(info.IsValidResponse, info.DebugInformation);
        Assert.Equal(ElasticsearchStandIn.Version, info.Version.Number);
        Assert.True(bulk.Errors);
        Assert.Equal([201, 201, 409], bulk.Items.Select(i => i.Status));
        Assert.Equal("version_conflict_engine_exception", bulk.Items.Last().Error!.Type);
        Assert.True(refresh.IsValidResponse, refresh.DebugInformation);
        Assert.Equal(1, refresh.Shards!.Successful);
        Assert.True(search.IsValidResponse, search.DebugInformation);
        Assert.Equal(2, search.Total);
        Assert.Equal(["one", "two"], search.Documents.Select(d => d.Name));
    }

    [Fact]
    public async Task Connections_are_refused_while_stopped_and_documents_survive_a_restart()
    {
        await PostBulkAsync("{\"create\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"x\":1}\n");
        var port = _es.Port;

        await _es.StopListeningAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync(_es.Uri));
        await _es.StartListeningAsync();

        Assert.Equal(port, _es.Port);
        Assert.Equal("1", Assert.Single(_es.Documents("a")).Id);
        Assert.Equal(200, (int)(await _http.GetAsync(_es.Uri)).StatusCode);
    }

    [Fact]
    public async Task Bulk_bodies_break_Elasticsearchs_rules_as_Elasticsearch_says()
    {
        var unterminated = await PostBulkAsync("{\"create\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"x\":1}");
        var answer = await PostBulkAsync(
            "{\"create\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"_id\":\"1\",\"x\":1}\n" +
            "{\"create\":{\"_index\":\"A\",\"_id\":\"2\"}}\n{\"x\":1}\n" +
            "{\"create\":{\"_index\":\"a\",\"_id\":\"3\"}}\n{\"x\":1,\"x\":2}\n" +
            "{\"index\":{\"_index\":\"a\",\"_id\":\"4\"}}\n{\"x\":1}\n" +
            "{\"index\":{\"_index\":\"a\",\"_id\":\"4\"}}\n{\"x\":2}\n");

        Assert.Equal(400, unterminated.Status);
        Assert.Equal("illegal_argument_exception", unterminated.Json.GetProperty("error").GetProperty("type").GetString());
        var items = answer.Json.GetProperty("items").EnumerateArray().Select(i => i.EnumerateObject().Single().Value).ToList();
        Assert.True(answer.Json.GetProperty("errors").GetBoolean());
        Assert.Equal([400, 400, 400, 201, 200], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal(
            ["document_parsing_exception", "invalid_index_name_exception", "document_parsing_exception"],
            items.Take(3).Select(i => i.GetProperty("error").GetProperty("type").GetString()));
        Assert.Equal(2, items[4].GetProperty("_version").GetInt32());
        Assert.Equal(2, Assert.Single(_es.Documents("a")).Source.GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task Documents_refused_by_a_test_are_refused_with_elasticsearch_9s_error_name()
    {
        _es.RejectDocuments(item => item.Id == "1");
        _es.RejectItems(item => item.Id == "2", status: 400);

        var answer = await PostBulkAsync(
            "{\"create\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"x\":1}\n" +
            "{\"create\":{\"_index\":\"a\",\"_id\":\"2\"}}\n{\"x\":1}\n");

        var errors = answer.Json.GetProperty("items").EnumerateArray().Select(i => i.EnumerateObject().Single().Value.GetProperty("error")).ToList();
        // Since 8.8 a document that does not fit its mapping is a document_parsing_exception; mapper_parsing_exception is for mappings.
        Assert.Equal(["document_parsing_exception", "document_parsing_exception"], errors.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("[1:11] failed to parse field [status] of type [long] in document with id '1'. Preview of field's value: 'abc'", errors[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_typed_client_reads_a_refused_item_with_its_cause()
    {
        var client = new ElasticsearchClient(_es.Uri);

        var bulk = await client.BulkAsync(b => b
            .Index("things")
            .Create(new Thing("one", 1), c => c.Id("1"))
            .Create(new { Name = "two", Size = "big" }, c => c.Id("2")));

        var refused = bulk.Items.Last();
        Assert.Equal(400, refused.Status);
        Assert.Equal("document_parsing_exception", refused.Error!.Type);
        Assert.Equal("For input string: \"big\"", refused.Error.CausedBy!.Reason);
    }

    [Fact]
    public async Task A_search_asking_for_what_the_stand_in_does_not_run_is_refused_by_name_not_ignored()
    {
        using var rest = new ElasticsearchRestClient(_es.Uri);

        var aggregation = await rest.PostAsync("/_search", """{"aggs":{"n":{"terms":{"field":"x"}}}}""");
        var queryString = await rest.GetAsync("/_search?q=x");
        var unknown = await rest.PostAsync("/_search", """{"quer":{}}""");

        Assert.Equal((400, "the stand-in does not implement [aggs] in a search"), (aggregation.Status, aggregation["error.reason"]));
        Assert.Equal((400, "the stand-in does not implement the [q] parameter of a search"), (queryString.Status, queryString["error.reason"]));
        Assert.Equal((400, "parsing_exception"), (unknown.Status, unknown["error.type"]));
    }

    [Fact]
    public async Task Bulk_action_lines_are_checked_as_Elasticsearch_9_checks_them()
    {
        using var rest = new ElasticsearchRestClient(_es.Uri);

        var reasons = new List<string?>();
        foreach (var line in new[] { """["index"]""", """{"upsert":{}}""", """{"index":"a"}""", """{"index":{"_index":"a","colour":"red"}}""", """{"index":{"_index":["a"]}}""", """{"index":{},"create":{}}""" })
        {
            reasons.Add((await rest.BulkAsync("/_bulk", line, "{}"))["error.reason"]);
        }

        var delete = await rest.BulkAsync("/_bulk", """{"delete":{"_index":"nothing","_id":"1"}}""");

        Assert.Equal(
            [
                "Malformed action/metadata line [1], expected START_OBJECT but found [START_ARRAY]",
                "Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [upsert]",
                "Malformed action/metadata line [1], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]",
                "Action/metadata line [1] contains an unknown parameter [colour]",
                "Malformed action/metadata line [1], expected a simple value for field [_index] but found [START_ARRAY]",
                "Malformed action/metadata line [1], expected END_OBJECT but found [FIELD_NAME]",
            ],
            reasons);
        Assert.Equal("index_not_found_exception", delete["items.0.delete.error.type"]);
        Assert.Empty(_es.IndexNames);
    }

    private async Task<(int Status, JsonElement Json)> PostBulkAsync(string ndjson)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await _http.PostAsync(new Uri(_es.Uri, "/_bulk"), content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return ((int)response.StatusCode, json);
    }

    private sealed record Thing(string Name, int Size);
}
