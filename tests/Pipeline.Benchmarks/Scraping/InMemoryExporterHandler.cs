using System.Net.Http.Headers;

namespace Pipeline.Benchmarks.Scraping;

/// <summary>An exporter without a network: every request is answered with the same body, so a benchmark measures the scraper, not sockets.</summary>
internal sealed class InMemoryExporterHandler(byte[] body, string contentType, string? contentEncoding = null) : HttpMessageHandler
{
    private readonly MediaTypeHeaderValue _contentType = MediaTypeHeaderValue.Parse(contentType);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = _contentType;
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
