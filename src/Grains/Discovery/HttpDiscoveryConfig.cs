using Pipeline.Grains.Http;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// One <c>http_sd_configs</c> entry: a URL answering target groups as JSON, asked every
/// <see cref="RefreshInterval"/> with the shared HTTP client settings.
/// </summary>
public sealed class HttpDiscoveryConfig : DiscoveryConfig
{
    public const string Key = "http_sd_configs";

    /// <summary>The server's URL (<c>url</c>).</summary>
    public required Uri Url { get; init; }

    /// <summary>How often the server is asked (<c>refresh_interval</c>, 60s by default).</summary>
    public TimeSpan RefreshInterval { get; init; } = DiscoveryConstants.DefaultHttpRefreshInterval;

    /// <summary><c>basic_auth</c>, <c>authorization</c>, <c>tls_config</c>, <c>follow_redirects</c>.</summary>
    public HttpClientConfig Http { get; init; } = HttpClientConfig.None;

    public override string Mechanism => Key;

    public override ITargetDiscoverer Create(DiscoveryContext context) => new HttpTargetDiscoverer(this, context);
}
