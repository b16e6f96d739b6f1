using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping;

/// <summary>Reads <c>global</c> and the entries of <c>scrape_configs</c> as Prometheus does, every key checked.</summary>
internal static class ScrapeConfigReader
{
    /// <summary>The <c>global</c> section (null: Prometheus's defaults).</summary>
    public static GlobalScrapeConfig ReadGlobal(ConfigNode? global)
    {
        if (global is null)
        {
            return new GlobalScrapeConfig();
        }

        var interval = Duration(global, "scrape_interval", ScrapeJobDefaults.DefaultScrapeInterval);
        var timeout = Duration(global, "scrape_timeout", ScrapeJobDefaults.DefaultScrapeTimeout);
        Duration(global, "evaluation_interval", TimeSpan.FromMinutes(1)); // accepted: no rules are evaluated here
        var result = new GlobalScrapeConfig
        {
            ScrapeInterval = interval,
            ScrapeTimeout = global.Has("scrape_timeout") || timeout <= interval ? timeout : interval,
            ExternalLabels = global.StringMap("external_labels"),
        };
        global.RejectUnknownKeys();
        if (result.ScrapeTimeout > result.ScrapeInterval)
        {
            global.ValueError("scrape_timeout", $"scrape_timeout ({PrometheusDuration.Format(result.ScrapeTimeout)}) is longer than scrape_interval ({PrometheusDuration.Format(result.ScrapeInterval)})");
        }

        return result;
    }

    /// <summary>The service-discovery keys, read by <see cref="DiscoveryConfigReader"/>.</summary>
    private static readonly string[] DiscoveryKeys = ["static_configs", "file_sd_configs", "http_sd_configs", "kubernetes_sd_configs"];

    /// <summary>
    /// Keys Prometheus has that change nothing here, accepted so a Prometheus file loads as it is:
    /// the protocol choice (we always negotiate OpenMetrics, then text 0.0.4), native-histogram
    /// settings (the exposition formats we read carry no native histograms), the failure log file and
    /// the name validation/escaping schemes (UTF-8 names are accepted, nothing is escaped).
    /// </summary>
    private static readonly string[] IgnoredKeys =
    [
        "scrape_protocols", "fallback_scrape_protocol", "scrape_classic_histograms", "always_scrape_classic_histograms",
        "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "convert_classic_histograms_to_nhcb",
        "scrape_failure_log_file", "metric_name_validation_scheme", "metric_name_escaping_scheme", "enable_http2",
    ];

    /// <summary>HTTP client keys of Prometheus we do not support; refused with a reason rather than as unknown.</summary>
    private static readonly string[] UnsupportedKeys = ["proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "oauth2"];

    /// <summary>One <c>scrape_configs</c> entry; errors are reported on the node.</summary>
    public static ScrapeJobConfig Read(ConfigNode job, GlobalScrapeConfig global)
    {
        var name = job.String("job_name");
        if (string.IsNullOrEmpty(name))
        {
            job.Error("a scrape config needs 'job_name'");
            name = "";
        }

        var interval = Duration(job, "scrape_interval", global.ScrapeInterval);
        if (interval <= TimeSpan.Zero)
        {
            job.ValueError("scrape_interval", "scrape_interval must be longer than 0s");
            interval = global.ScrapeInterval;
        }

        // Prometheus: without its own timeout a job uses the global one, cut to its interval.
        var timeout = Duration(job, "scrape_timeout", global.ScrapeTimeout <= interval ? global.ScrapeTimeout : interval);
        if (timeout <= TimeSpan.Zero)
        {
            job.ValueError("scrape_timeout", "scrape_timeout must be longer than 0s");
            timeout = interval;
        }
        else if (timeout > interval)
        {
            job.ValueError(
                job.Has("scrape_timeout") ? "scrape_timeout" : "scrape_interval",
                $"scrape_timeout ({PrometheusDuration.Format(timeout)}) is longer than scrape_interval ({PrometheusDuration.Format(interval)}) for job '{name}'");
        }

        var scheme = job.String("scheme", ScrapeJobDefaults.DefaultScheme)!;
        if (scheme is not ("http" or "https"))
        {
            job.ValueError("scheme", $"unknown scheme '{scheme}' (expected http or https)");
        }

        var metricsPath = job.String("metrics_path", ScrapeJobDefaults.DefaultMetricsPath)!;
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (parameter, values) in job.StringListMap("params"))
        {
            parameters[parameter] = values;
        }

        var limits = new ExpositionLimits
        {
            SampleLimit = job.Int("sample_limit", 0, 0, int.MaxValue),
            BodySizeLimit = job.Size("body_size_limit", 0, 0),
            LabelLimit = job.Int("label_limit", 0, 0, int.MaxValue),
            LabelNameLengthLimit = job.Int("label_name_length_limit", 0, 0, int.MaxValue),
            LabelValueLengthLimit = job.Int("label_value_length_limit", 0, 0, int.MaxValue),
        };

        var result = new ScrapeJobConfig
        {
            Target = new ScrapeJobDefaults
            {
                JobName = name,
                Scheme = scheme,
                MetricsPath = metricsPath,
                Params = parameters,
                ScrapeInterval = interval,
                ScrapeTimeout = timeout,
                RelabelRules = RelabelConfigReader.Read(job, "relabel_configs"),
            },
            HonorLabels = job.Bool("honor_labels", false),
            HonorTimestamps = job.Bool("honor_timestamps", true),
            TrackTimestampsStaleness = job.Bool("track_timestamps_staleness", false),
            EnableCompression = job.Bool("enable_compression", true),
            Limits = limits,
            TargetLimit = job.Int("target_limit", 0, 0, int.MaxValue),
            KeepDroppedTargets = job.Int("keep_dropped_targets", 0, 0, int.MaxValue),
            MetricRelabelRules = RelabelConfigReader.Read(job, "metric_relabel_configs"),
            Http = HttpClientConfigReader.Read(job),
            Discovery = DiscoveryKeys.Any(key => job.Has(key)) ? DiscoveryConfigReader.Read(job) : [],
        };

        foreach (var key in IgnoredKeys)
        {
            job.Has(key);
        }

        foreach (var key in UnsupportedKeys)
        {
            if (job.Has(key))
            {
                job.ValueError(key, $"'{key}' is not supported by this pipeline (remove it; targets are scraped directly)");
            }
        }

        job.RejectUnknownKeys();
        return result;
    }

    /// <summary>A Prometheus duration (<c>15s</c>, <c>1m30s</c>, <c>1d</c>); a mistake is reported on the key.</summary>
    internal static TimeSpan Duration(ConfigNode node, string key, TimeSpan fallback)
    {
        var text = node.String(key);
        if (text is null)
        {
            return fallback;
        }

        if (PrometheusDuration.TryParse(text, out var value, out var error))
        {
            return value;
        }

        node.ValueError(key, $"'{text}' is not a duration ({error}; write it like 15s, 1m30s or 1h)");
        return fallback;
    }
}
