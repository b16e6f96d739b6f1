using Pipeline.Grains.Discovery;
using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping;

/// <summary>One entry of <c>scrape_configs</c>, as Prometheus reads it (global defaults applied).</summary>
public sealed class ScrapeJobConfig
{
    /// <summary>What every target of the job starts from: job name, scheme, path, params, interval, timeout, <c>relabel_configs</c>.</summary>
    public required ScrapeJobDefaults Target { get; init; }

    public string JobName => Target.JobName;

    /// <summary><c>honor_labels</c>: labels the target exposes win over the target's labels (else they are kept as <c>exported_*</c>).</summary>
    public bool HonorLabels { get; init; }

    /// <summary><c>honor_timestamps</c>: timestamps the target exposes are kept (Prometheus's default), else the scrape's time is used.</summary>
    public bool HonorTimestamps { get; init; } = true;

    /// <summary><c>track_timestamps_staleness</c>: series with explicit timestamps also get staleness markers.</summary>
    public bool TrackTimestampsStaleness { get; init; }

    /// <summary><c>enable_compression</c>: ask for gzip (default true).</summary>
    public bool EnableCompression { get; init; } = true;

    /// <summary><c>sample_limit</c>, <c>body_size_limit</c>, <c>label_limit</c>, <c>label_name_length_limit</c>, <c>label_value_length_limit</c>.</summary>
    public ExpositionLimits Limits { get; init; } = new();

    /// <summary><c>target_limit</c>: more targets after relabeling fail the whole job's targets (0: no limit).</summary>
    public int TargetLimit { get; init; }

    /// <summary><c>keep_dropped_targets</c>: how many dropped targets <c>/api/v1/targets</c> keeps (0: all).</summary>
    public int KeepDroppedTargets { get; init; }

    /// <summary><c>metric_relabel_configs</c>, applied to every scraped series.</summary>
    public IReadOnlyList<RelabelRule> MetricRelabelRules { get; init; } = [];

    /// <summary><c>basic_auth</c>, <c>authorization</c>, <c>tls_config</c>, <c>follow_redirects</c>.</summary>
    public HttpClientConfig Http { get; init; } = HttpClientConfig.None;

    /// <summary><c>static_configs</c>, <c>file_sd_configs</c>, <c>http_sd_configs</c>, <c>kubernetes_sd_configs</c>, in file order.</summary>
    public IReadOnlyList<DiscoveryConfig> Discovery { get; init; } = [];
}
