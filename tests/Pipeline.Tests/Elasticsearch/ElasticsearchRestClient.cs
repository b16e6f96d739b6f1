using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Plain HTTP to an Elasticsearch (here the stand-in), as the REST API spec's YAML tests send it:
/// a JSON body, or NDJSON for <c>_bulk</c>; the answer's status and JSON.
/// </summary>
internal sealed class ElasticsearchRestClient(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };

    public Task<ElasticsearchRestAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ElasticsearchRestAnswer> PostAsync(string path, string? json = null) => SendAsync(HttpMethod.Post, path, json);

    public Task<ElasticsearchRestAnswer> PutAsync(string path, string? json = null) => SendAsync(HttpMethod.Put, path, json);

    public Task<ElasticsearchRestAnswer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary><c>POST {path}</c> with NDJSON lines, each ended by a newline.</summary>
    public Task<ElasticsearchRestAnswer> BulkAsync(string path, params string[] lines) =>
        SendAsync(HttpMethod.Post, path, string.Concat(lines.Select(l => l + "\n")), "application/x-ndjson");

    public async Task<ElasticsearchRestAnswer> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ElasticsearchRestAnswer((int)response.StatusCode, json, text);
    }

    public void Dispose() => _http.Dispose();
}
