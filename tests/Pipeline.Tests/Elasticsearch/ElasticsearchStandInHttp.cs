using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Raw HTTP to the Elasticsearch stand-in, as the REST tests of Elasticsearch talk to a node:
/// the tests of the stand-in's own rules assert on Elasticsearch's answers, not on a client's
/// reading of them.
/// </summary>
internal sealed class ElasticsearchStandInHttp(ElasticsearchStandIn standIn) : IDisposable
{
    private readonly HttpClient _http = new();

    public Task<(int Status, JsonElement Json)> PutAsync(string path, string? body = null) => SendAsync(HttpMethod.Put, path, body);

    public Task<(int Status, JsonElement Json)> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    /// <summary>Installs an index template; the test fails unless Elasticsearch would acknowledge it.</summary>
    public async Task PutTemplateAsync(string name, string body)
    {
        var (status, json) = await PutAsync("/_index_template/" + name, body);
        if (status != 200)
        {
            throw new InvalidOperationException($"template [{name}] refused: {json}");
        }
    }

    /// <summary>
    /// POSTs NDJSON lines to <c>/_bulk?refresh=true</c> (each line one JSON value; the final newline
    /// added): like Elasticsearch's own REST tests, so the documents are searchable at once.
    /// </summary>
    public Task<(int Status, JsonElement Json)> BulkAsync(params string[] lines) => BulkToAsync("/_bulk?refresh=true", lines);

    public Task<(int Status, JsonElement Json)> BulkToAsync(string path, params string[] lines) =>
        SendAsync(HttpMethod.Post, path, string.Join('\n', lines) + "\n", "application/x-ndjson");

    /// <summary>Creates one document and answers its bulk item (<c>status</c>, <c>error</c>…).</summary>
    public async Task<JsonElement> CreateAsync(string index, string id, string document)
    {
        var (status, json) = await BulkAsync($$$"""{"create":{"_index":"{{{index}}}","_id":"{{{id}}}"}}""", document);
        if (status != 200)
        {
            throw new InvalidOperationException($"bulk refused as a whole: {json}");
        }

        return Item(json, 0);
    }

    public Task<(int Status, JsonElement Json)> SearchAsync(string index, string body) => SendAsync(HttpMethod.Post, $"/{index}/_search", body);

    /// <summary>The ids a query finds, in order.</summary>
    public async Task<List<string>> IdsAsync(string index, string query)
    {
        var (status, json) = await SearchAsync(index, "{\"query\":" + query + ",\"size\":100,\"sort\":[\"_doc\"]}");
        if (status != 200)
        {
            throw new InvalidOperationException($"search refused: {json}");
        }

        return [.. json.GetProperty("hits").GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("_id").GetString()!)];
    }

    /// <summary>The inner object of bulk item <paramref name="index"/>: <c>{"create":{…}}</c> gives the <c>{…}</c>.</summary>
    public static JsonElement Item(JsonElement bulk, int index) => bulk.GetProperty("items")[index].EnumerateObject().Single().Value;

    public static string Type(JsonElement error) => error.GetProperty("type").GetString()!;

    public static string Reason(JsonElement error) => error.GetProperty("reason").GetString()!;

    public void Dispose() => _http.Dispose();

    private async Task<(int Status, JsonElement Json)> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(standIn.Uri, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
