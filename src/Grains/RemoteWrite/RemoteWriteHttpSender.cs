using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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

    /// <summary>The handler used when the caller gives none: pooled connections and the entry's <c>tls_config</c>.</summary>
    public static SocketsHttpHandler CreateHandler(RemoteWriteOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
        };

        if (options.Url.Scheme != Uri.UriSchemeHttps)
        {
            return handler;
        }

        var ssl = new SslClientAuthenticationOptions();
        if (options.TlsServerName is { } serverName)
        {
            ssl.TargetHost = serverName;
        }

        if (options.TlsInsecureSkipVerify)
        {
            // The user asked for it (tls_config.insecure_skip_verify), as in Prometheus.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.TlsCaFile is { } caFile)
        {
            var authorities = TlsTrust.LoadCertificates(caFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                TlsTrust.IsTrusted(certificate, chain, errors, authorities);
        }

        if (options.TlsCertFile is { } certFile && options.TlsKeyFile is { } keyFile)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }

        handler.SslOptions = ssl;
        return handler;
    }

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
            request.Headers.Authorization = Authorization();
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

    private AuthenticationHeaderValue? Authorization()
    {
        if (_options.BasicAuthUsername is { } user)
        {
            var password = _options.BasicAuthPasswordFile is { } file ? ReadSecret(file) : _options.BasicAuthPassword ?? "";
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        var credentials = _options.AuthorizationCredentialsFile is { } credentialsFile ? ReadSecret(credentialsFile) : _options.AuthorizationCredentials;
        return credentials is null ? null : new AuthenticationHeaderValue(_options.AuthorizationType, credentials);
    }

    // Secrets in files are read for every request so a rotated one is used at once; a trailing newline is not part of it.
    private static string ReadSecret(string path) => File.ReadAllText(path).Trim();

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
