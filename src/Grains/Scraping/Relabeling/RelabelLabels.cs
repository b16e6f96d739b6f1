namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>The label names Prometheus gives a meaning to during target relabeling.</summary>
public static class RelabelLabels
{
    /// <summary>Labels starting with this are internal: removed from a target's labels after relabeling.</summary>
    public const string ReservedPrefix = "__";

    /// <summary>Discovery metadata (<c>__meta_kubernetes_pod_name</c>, …): deleted right after relabeling.</summary>
    public const string MetaPrefix = "__meta_";

    /// <summary>Scratch labels for multi-step relabeling; never set by discovery.</summary>
    public const string TemporaryPrefix = "__tmp_";

    /// <summary><c>__param_&lt;name&gt;</c> becomes the first value of URL parameter <c>&lt;name&gt;</c>.</summary>
    public const string ParamPrefix = "__param_";

    public const string Address = "__address__";
    public const string Scheme = "__scheme__";
    public const string MetricsPath = "__metrics_path__";
    public const string ScrapeInterval = "__scrape_interval__";
    public const string ScrapeTimeout = "__scrape_timeout__";
    public const string MetricName = "__name__";
    public const string Job = "job";
    public const string Instance = "instance";
}
