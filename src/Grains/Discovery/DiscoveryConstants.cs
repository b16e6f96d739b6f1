namespace Pipeline.Grains.Discovery;

/// <summary>Defaults and label names of the service discoveries, as Prometheus has them.</summary>
public static class DiscoveryConstants
{
    /// <summary><c>file_sd_configs[].refresh_interval</c> default: files are also re-read on change.</summary>
    public static readonly TimeSpan DefaultFileRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary><c>http_sd_configs[].refresh_interval</c> default.</summary>
    public static readonly TimeSpan DefaultHttpRefreshInterval = TimeSpan.FromSeconds(60);

    /// <summary>Group label naming the file a group was read from.</summary>
    public const string MetaFilepath = "__meta_filepath";

    /// <summary>Group label naming the URL a group was fetched from.</summary>
    public const string MetaUrl = "__meta_url";

    /// <summary>Sent with every HTTP SD request: the refresh interval in seconds, so a server can tune caching.</summary>
    public const string RefreshIntervalHeader = "X-Prometheus-Refresh-Interval-Seconds";

    public const string HttpUserAgent = "kubernetes-pipeline-http-sd/1.0";
}
