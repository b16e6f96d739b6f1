using System.Globalization;
using System.Net.Sockets;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Scrapes one target, as Prometheus's scrape loop does for one scrape: GET with Prometheus's
/// Accept header, gzip, the job's credentials and <c>scrape_timeout</c>; parses the body as it
/// streams (text 0.0.4 or OpenMetrics, the job's limits), applies <c>honor_labels</c>,
/// <c>honor_timestamps</c> and <c>metric_relabel_configs</c>, and on success hands every sample,
/// the synthetic series (<c>up</c>, <c>scrape_duration_seconds</c>, …) and staleness markers for
/// series that disappeared to the sink. A failed scrape hands only the synthetic series (<c>up</c> 0)
/// and staleness markers for every series of the last good scrape. Not thread-safe: one scrape at a time.
/// </summary>
/// <remarks>
/// Each series' final labels are made once and kept in a per-target cache keyed by the series' raw
/// bytes (see docs/SCRAPING.md): a steady scrape allocates nothing per sample, and a series is
/// handed with the same label array every scrape.
/// </remarks>
public sealed class TargetScraper : IDisposable
{
    private readonly HttpMessageInvoker _http;
    private readonly IScrapeSampleSink _sink;
    private readonly TimeProvider _time;
    private readonly ExpositionParser _parser;
    private readonly ScrapeSeriesCache _cache;
    private readonly ScrapeAppender _appender;
    private readonly SyntheticSeries _synthetic;
    private readonly Uri _url;
    private readonly string _timeoutHeader;
    private bool _syntheticLive;

    /// <param name="job">The target's job.</param>
    /// <param name="target">The target (built from the job's relabel rules).</param>
    /// <param name="http">Shared per job (pooled connections); not disposed by the scraper.</param>
    /// <param name="sink">Where samples go.</param>
    /// <param name="time">Clock for scrape timestamps and durations.</param>
    /// <param name="metadata">Where the type, help and unit of each new series' family are reported, if anywhere.</param>
    public TargetScraper(ScrapeJobConfig job, ScrapeTarget target, HttpMessageInvoker http, IScrapeSampleSink sink, TimeProvider time, MetricMetadataRegistry? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(target);
        Job = job;
        Target = target;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _url = new Uri(target.Url, UriKind.Absolute);
        _timeoutHeader = target.ScrapeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);

        // The parser keeps the body limits; sample and label limits apply after metric relabeling,
        // as in Prometheus, so the appender and the labeler check those.
        _parser = new ExpositionParser(new ExpositionLimits
        {
            BodySizeLimit = job.Limits.BodySizeLimit,
            MaxLineBytes = job.Limits.MaxLineBytes,
        });
        _cache = new ScrapeSeriesCache(new ScrapeSeriesLabeler(target.Labels, job.HonorLabels, job.MetricRelabelRules, job.Limits), metadata);
        _appender = new ScrapeAppender(_cache, job.HonorTimestamps, job.TrackTimestampsStaleness, job.Limits.SampleLimit);
        _synthetic = new SyntheticSeries(target.Labels);
    }

    public ScrapeJobConfig Job { get; }

    public ScrapeTarget Target { get; }

    /// <summary>Series in the cache (those seen in the last scrape or two, dropped ones included).</summary>
    public int CachedSeries => _cache.Count;

    /// <summary>Series of the last good scrape that get a staleness marker if they vanish.</summary>
    public int TrackedSeries => _appender.TrackedSeries;

    /// <summary>The last scrape's report (default before the first).</summary>
    public ScrapeReport LastReport { get; private set; }

    /// <summary>Scrapes once now. Never throws for a target's fault: the report carries the error.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is handed to the sink.</exception>
    public async Task<ScrapeReport> ScrapeAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetUtcNow();
        var startTicks = _time.GetTimestamp();
        var startMs = start.ToUnixTimeMilliseconds();
        _appender.Begin(startMs);
        try
        {
            var error = await FetchAndParseAsync(cancellationToken).ConfigureAwait(false);
            var duration = _time.GetElapsedTime(startTicks);
            if (error is null)
            {
                _appender.CommitGood();
            }
            else
            {
                _appender.CommitFailed();
            }

            var report = new ScrapeReport(
                start,
                duration,
                error,
                _appender.Scraped,
                error is null ? _appender.Accepted : 0,
                error is null ? _appender.Added : 0);
            _synthetic.Append(_appender, startMs, report);
            _syntheticLive = true;
            _sink.Append(_appender.Buffered);
            LastReport = report;
            return report;
        }
        finally
        {
            _appender.Release();
        }
    }

    /// <summary>The target went away: staleness markers (at <paramref name="timestampMs"/>) for every series of the last scrape and the synthetic series.</summary>
    public void MarkStale(long timestampMs)
    {
        _appender.Rent();
        try
        {
            _appender.MarkAllStale(timestampMs);
            if (_syntheticLive)
            {
                _synthetic.AppendStale(_appender, timestampMs);
                _syntheticLive = false;
            }

            if (!_appender.Buffered.IsEmpty)
            {
                _sink.Append(_appender.Buffered);
            }
        }
        finally
        {
            _appender.Release();
        }
    }

    public void Dispose() => _appender.Release();

    // The error of a failed scrape, or null; only the caller's cancellation escapes.
    private async Task<string?> FetchAndParseAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Target.ScrapeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = CreateRequest();
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"server returned HTTP status {(int)response.StatusCode} {ReasonPhrase(response)}";
            }

            var content = response.Content;
            var body = await content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var result = await _parser.ParseResponseAsync(
                body,
                content.Headers.ContentType?.ToString(),
                content.Headers.ContentEncoding.Count == 0 ? null : string.Join(", ", content.Headers.ContentEncoding),
                _appender,
                linked.Token).ConfigureAwait(false);
            if (result.Error is null)
            {
                return null;
            }

            return timeout.IsCancellationRequested ? TimeoutError() : result.Error.ToString();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception) when (timeout.IsCancellationRequested)
        {
            return TimeoutError();
        }
        catch (HttpRequestException e)
        {
            return $"GET {Target.Url}: {Describe(e)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"GET {Target.Url}: {e.Message}";
        }
    }

    private HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _url);
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Accept", ExpositionFormats.AcceptHeader);
        headers.TryAddWithoutValidation("Accept-Encoding", Job.EnableCompression ? ScrapeBodyDecoding.AcceptEncodingHeader : "identity");
        headers.TryAddWithoutValidation("User-Agent", TargetScraperConstants.UserAgent);
        headers.TryAddWithoutValidation(TargetScraperConstants.TimeoutHeader, _timeoutHeader);

        // Read per scrape: a rotated password or token file is used at once.
        headers.Authorization = Job.Http.Authorization();
        return request;
    }

    private string TimeoutError() =>
        $"GET {Target.Url}: context deadline exceeded (no complete answer within scrape_timeout {PrometheusDuration.Format(Target.ScrapeTimeout)})";

    private static string ReasonPhrase(HttpResponseMessage response) =>
        string.IsNullOrEmpty(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => $"no such host ({socket.Message})",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.ConnectionReset => "connection reset by peer",
                    _ => socket.Message,
                };
            }
        }

        return e.HttpRequestError == HttpRequestError.ResponseEnded ? "the server closed the connection before answering" : e.Message;
    }
}
