using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Http;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// <c>http_sd_configs</c>: GETs the URL every refresh interval (with <c>Accept: application/json</c>,
/// a User-Agent and <c>X-Prometheus-Refresh-Interval-Seconds</c>) and expects a 200 answer of type
/// <c>application/json</c> holding a list of target groups; each group gets <c>__meta_url</c> and
/// the source <c>url:index</c>. A failed refresh keeps the last good set and sets
/// <see cref="ITargetDiscoverer.Error"/>, as in Prometheus.
/// </summary>
internal sealed class HttpTargetDiscoverer : RefreshingTargetDiscoverer
{
    /// <summary>Bodies larger than this are refused rather than read into memory.</summary>
    private const int MaxBodyBytes = 64 << 20;

    private readonly HttpDiscoveryConfig _config;
    private readonly DiscoveryContext _context;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly string _refreshSeconds;
    private bool _published;

    public HttpTargetDiscoverer(HttpDiscoveryConfig config, DiscoveryContext context)
        : base(config.RefreshInterval, context.Time)
    {
        _config = config;
        _context = context;
        _logger = context.Loggers.CreateLogger<HttpTargetDiscoverer>();
        _client = new HttpClient(HttpClientHandlers.Create(config.Http), disposeHandler: true)
        {
            Timeout = config.RefreshInterval,
            MaxResponseContentBufferSize = MaxBodyBytes,
        };
        _refreshSeconds = config.RefreshInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture);
    }

    protected override async Task RefreshAsync(CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            var groups = await FetchAsync(cancellationToken);
            Feed.Error = null;
            _published = true;
            if (Feed.Publish(groups))
            {
                DiscoveryLog.LogDebugRefreshed(_logger, _context.JobName, HttpDiscoveryConfig.Key, groups.Count);
            }

            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            error = $"no answer within {_refreshSeconds}s (refresh_interval)";
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }

        Feed.Error = $"{_config.Url}: {error}";
        DiscoveryLog.LogWarningHttpFailed(_logger, _context.JobName, _config.Url.ToString(), error);
        if (!_published)
        {
            // Nothing good yet: the set is known to be empty until the server answers.
            _published = true;
            Feed.Publish([]);
        }
    }

    private async Task<List<TargetGroup>> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _config.Url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("User-Agent", DiscoveryConstants.HttpUserAgent);
        request.Headers.TryAddWithoutValidation(DiscoveryConstants.RefreshIntervalHeader, _refreshSeconds);

        // Secret files are read for every request, so a rotated one is used at once.
        request.Headers.Authorization = _config.Http.Authorization();

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"server returned HTTP {(int)response.StatusCode} {response.ReasonPhrase} (expected 200)");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"unsupported content type '{response.Content.Headers.ContentType}' (expected application/json)");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return TargetGroupFormat.ParseJson(body, _config.Url.ToString(), DiscoveryConstants.MetaUrl);
    }

    protected override void DisposeCore() => _client.Dispose();
}
