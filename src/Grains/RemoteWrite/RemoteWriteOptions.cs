using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One <c>remote_write</c> entry in Prometheus's syntax: where to send, how to authenticate, TLS,
/// which series (<c>write_relabel_configs</c>) and the queue. Secrets given as files (<c>password_file</c>, <c>credentials_file</c>,
/// <c>bearer_token_file</c>) are read again for every request, so a rotated secret is picked up.
/// </summary>
public sealed class RemoteWriteOptions
{
    public static readonly TimeSpan DefaultRemoteTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultFlushDeadline = TimeSpan.FromMinutes(1);

    /// <summary>The receiver, e.g. <c>http://prometheus:9090/api/v1/write</c> (<c>url</c>).</summary>
    public Uri Url { get; init; } = null!;

    /// <summary>Name in metrics and logs (<c>name</c>); the URL's host and port when not given.</summary>
    public string? Name { get; init; }

    /// <summary>Timeout of one request (<c>remote_timeout</c>); a request that times out is retried.</summary>
    public TimeSpan RemoteTimeout { get; init; } = DefaultRemoteTimeout;

    /// <summary>Extra headers sent with every request (<c>headers</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// <c>basic_auth</c>, <c>authorization</c> (or <c>bearer_token</c>, <c>bearer_token_file</c>),
    /// <c>tls_config</c> and <c>follow_redirects</c>: the HTTP client settings every Prometheus client shares.
    /// </summary>
    public HttpClientConfig Http { get; init; } = HttpClientConfig.None;

    /// <summary>
    /// <c>write_relabel_configs</c>: applied to each series before it is queued, once per series (the
    /// outcome is cached per label array); a series a rule drops is not sent.
    /// </summary>
    public IReadOnlyList<RelabelRule> WriteRelabelRules { get; init; } = [];

    /// <summary>
    /// <c>global.external_labels</c>, set by the caller: added to every series sent, before
    /// <see cref="WriteRelabelRules"/> run (as in Prometheus, the rules see them); a label the series already has wins.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExternalLabels { get; init; } = [];

    public RemoteWriteQueueOptions Queue { get; init; } = new();

    /// <summary>How long a stop waits for queued samples to be sent before dropping them (Prometheus's <c>--storage.remote.flush-deadline</c>).</summary>
    public TimeSpan FlushDeadline { get; init; } = DefaultFlushDeadline;

    /// <summary>The name used in metrics and logs.</summary>
    public string DisplayName => Name ?? (Url is null ? "remote_write" : Url.Authority);
}
