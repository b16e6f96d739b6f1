using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>
/// An exporter on 127.0.0.1 (Kestrel, a free port) whose answer the test sets: body, Content-Type,
/// status, gzip when asked for, or an answer held back (before the headers, or after part of the
/// body) until the client gives up or the test releases it. Records each request's headers.
/// </summary>
public sealed class ScrapeTargetStandIn : IAsyncDisposable
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private readonly object _gate = new();
    private readonly List<IReadOnlyDictionary<string, string>> _requests = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private ScrapeTargetStandIn()
    {
    }

    public static async Task<ScrapeTargetStandIn> StartAsync()
    {
        var standIn = new ScrapeTargetStandIn();
        var (app, address) = await LoopbackHttpServer.StartAsync(standIn.HandleAsync);
        standIn.Uri = address;
        standIn._app = app;
        return standIn;
    }

    public Uri Uri { get; private set; } = null!;

    /// <summary>host:port, as <c>__address__</c>.</summary>
    public string Address => $"127.0.0.1:{Uri.Port}";

    public string Body { get; set; } = "";

    public string ContentType { get; set; } = TextContentType;

    public int Status { get; set; } = 200;

    /// <summary>Gzip the body when the request's Accept-Encoding allows it.</summary>
    public bool GzipWhenAsked { get; set; } = true;

    /// <summary>Hold the answer before its headers until <see cref="Release"/> or the client gives up.</summary>
    public bool HoldBeforeHeaders { get; set; }

    /// <summary>Send this many bytes of the (plain) body, then hold the rest like <see cref="HoldBeforeHeaders"/>.</summary>
    public int? HoldAfterBytes { get; set; }

    /// <summary>Send this many bytes of the (plain or gzip) body, then drop the connection.</summary>
    public int? AbortAfterBytes { get; set; }

    /// <summary>Completes when the first request has arrived.</summary>
    public Task FirstRequest => _requested.Task;

    /// <summary>Runs on each request before answering (a test advances its clock here).</summary>
    public Action? OnRequest { get; set; }

    /// <summary>Runs when an answer starts being held (a test moves its clock past the scraper's timeout here).</summary>
    public Action? OnHold { get; set; }

    /// <summary>Requests answered so far (held ones included), each as its headers (names lower case).</summary>
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

    /// <summary>Lets every held answer go on.</summary>
    public void Release() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        lock (_gate)
        {
            _requests.Add(headers);
        }

        _requested.TrySetResult();

        OnRequest?.Invoke();
        var aborted = context.RequestAborted;
        try
        {
            if (HoldBeforeHeaders)
            {
                OnHold?.Invoke();
                await _release.Task.WaitAsync(aborted);
            }

            var body = Encoding.UTF8.GetBytes(Body);
            var gzip = GzipWhenAsked && headers.TryGetValue("accept-encoding", out var accept) && accept.Contains("gzip", StringComparison.OrdinalIgnoreCase);
            context.Response.StatusCode = Status;
            context.Response.ContentType = ContentType;
            if (gzip)
            {
                context.Response.Headers.ContentEncoding = "gzip";
                using var packed = new MemoryStream();
                using (var zip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
                {
                    zip.Write(body);
                }

                body = packed.ToArray();
            }

            if (AbortAfterBytes is { } cut && cut < body.Length)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(0, cut), aborted);
                await context.Response.Body.FlushAsync(aborted);
                context.Abort();
                return;
            }

            if (HoldAfterBytes is { } first && first < body.Length)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(0, first), aborted);
                await context.Response.Body.FlushAsync(aborted);
                OnHold?.Invoke();
                await _release.Task.WaitAsync(aborted);
                body = body[first..];
            }

            await context.Response.Body.WriteAsync(body, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The scraper gave up (its timeout): nothing more to send.
        }
    }
}
