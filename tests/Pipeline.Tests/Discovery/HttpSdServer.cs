using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Discovery;

/// <summary>An HTTP SD server on a free port of 127.0.0.1: answers what the test sets, records each request's headers.</summary>
internal sealed class HttpSdServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<IReadOnlyDictionary<string, string>> _requests = [];
    private WebApplication _app = null!;
    private (int Status, string ContentType, string Body) _answer = (200, "application/json", "[]");

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<HttpSdServer> StartAsync()
    {
        var server = new HttpSdServer();
        var (app, address) = await LoopbackHttpServer.StartAsync(server.HandleAsync);
        server._app = app;
        server.Url = new Uri(address, "/targets");
        return server;
    }

    /// <summary>What the next requests are answered.</summary>
    public void Answer(string body, int status = 200, string contentType = "application/json")
    {
        lock (_gate)
        {
            _answer = (status, contentType, body);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        (int Status, string ContentType, string Body) answer;
        lock (_gate)
        {
            _requests.Add(context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal));
            answer = _answer;
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
