using System.Net;
using System.Net.Http.Headers;
using Pipeline.Grains.Http;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Sends remote write request bodies over HTTP: POST to the configured URL with the protocol's
/// headers, the configured extra headers and credentials, bounded by <c>remote_timeout</c>, and
/// sorts the answer into sent, retry or reject. It never retries by itself; the shard does.
/// </summary>
internal sealed class RemoteWriteHttpSender : IDisposable
{
    private const int ErrorBodyChars = 512;

    private readonly RemoteWriteOptions _options;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    public RemoteWriteHttpSender(RemoteWriteOptions options, HttpMessageHandler handler, bool disposeHandler, TimeProvider time)
    {
        _options = options;
        _time = time;
        _client = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The handler used when the caller gives none: pooled connections and the entry's HTTP client settings (<c>tls_config</c>, <c>follow_redirects</c>).</summary>
    public static SocketsHttpHandler CreateHandler(RemoteWriteOptions options) => HttpClientHandlers.Create(options.Http);

    public async Task<RemoteWriteSendResult> SendAsync(ReadOnlyMemory<byte> body, CancellationToken abort)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = HttpVersion.Version11,
        };

        request.Content.Headers.ContentType = new MediaTypeHeaderValue(RemoteWriteConstants.ContentType);
        request.Content.Headers.ContentEncoding.Add(RemoteWriteConstants.ContentEncoding);
        request.Headers.TryAddWithoutValidation("User-Agent", RemoteWriteConstants.UserAgent);
        request.Headers.Add(RemoteWriteConstants.VersionHeader, RemoteWriteConstants.Version);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            // Secret files are read for every request so a rotated one is used at once.
            request.Headers.Authorization = _options.Http.Authorization();
        }
        catch (IOException ex)
        {
            // An unreadable secret file may be fixed (mounted, rotated) while we wait: retry.
            return new(RemoteWriteSendOutcome.Retry, 0, null, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new(RemoteWriteSendOutcome.Retry, 0, null, ex.Message);
        }

        using var timeout = new CancellationTokenSource(_options.RemoteTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abort);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new(RemoteWriteSendOutcome.Sent, status, null, null);
            }

            var error = await ErrorTextAsync(response, linked.Token);
            var retry = status >= 500 || (status == 429 && _options.Queue.RetryOnHttp429);
            return new(retry ? RemoteWriteSendOutcome.Retry : RemoteWriteSendOutcome.Reject, status, retry ? RetryAfter(response) : null, error);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return new(RemoteWriteSendOutcome.Retry, 0, null, $"no answer within remote_timeout ({_options.RemoteTimeout.TotalSeconds}s)");
        }
        catch (HttpRequestException ex)
        {
            return new(RemoteWriteSendOutcome.Retry, 0, null, ex.Message);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var prefix = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = text.Trim();
            return text.Length == 0 ? prefix : $"{prefix}: {(text.Length > ErrorBodyChars ? text[..ErrorBodyChars] + "…" : text)}";
        }
        catch (HttpRequestException)
        {
            return prefix;
        }
        catch (OperationCanceledException)
        {
            return prefix;
        }
    }

    public void Dispose() => _client.Dispose();
}
