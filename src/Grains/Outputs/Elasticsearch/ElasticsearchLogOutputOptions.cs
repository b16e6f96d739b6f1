namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// An Elasticsearch log output (<c>logs.outputs[*]</c> with <c>type: elasticsearch</c>), also
/// used by <see cref="Search.Elasticsearch.ElasticsearchLogSearch"/> to find the same indices.
/// Secrets have no defaults: they come from the pipeline file or, better, from environment
/// variables it names (<c>password_env</c>, <c>api_key_env</c>).
/// </summary>
public sealed class ElasticsearchLogOutputOptions
{
    public const string DefaultName = "elasticsearch";

    /// <summary>The EFK chart's index prefix: indices <c>kubernetes_cluster-YYYY.MM.DD</c>, index pattern <c>kubernetes_cluster-*</c>.</summary>
    public const string DefaultIndexPrefix = "kubernetes_cluster";

    /// <summary>Bytes of NDJSON per bulk request; Elasticsearch's guidance is a few MiB (its own limit is 100MB).</summary>
    public const int DefaultBatchBytes = 5 * 1024 * 1024;

    /// <summary>Smallest <see cref="BatchBytes"/> accepted.</summary>
    public const int MinBatchBytes = 1024;

    /// <summary>Largest <see cref="BatchBytes"/> accepted: under Elasticsearch's <c>http.max_content_length</c> of 100MB.</summary>
    public const int MaxBatchBytes = 90 * 1024 * 1024;

    public const int DefaultMaxRetries = 5;

    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan DefaultRetryMaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The output's name for routing, metrics, logs and dead letters.</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary>Node URLs (<c>https://es-0:9200</c>); with several, requests fail over between them.</summary>
    public IReadOnlyList<Uri> Hosts { get; set; } = [];

    /// <summary>HTTP basic authentication user; needs <see cref="Password"/>.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>An API key as Elasticsearch returns it in <c>encoded</c> (base64 of <c>id:key</c>), sent as <c>Authorization: ApiKey …</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>PEM (or DER) file of the CA that signed the nodes' certificates; the system trust store when null.</summary>
    public string? CaFile { get; set; }

    /// <summary>Check the nodes' TLS certificates (chain and host name). Turning it off is for tests only.</summary>
    public bool VerifyCertificates { get; set; } = true;

    /// <summary>Daily indices are <c>&lt;prefix&gt;-YYYY.MM.DD</c> (UTC day of <c>@timestamp</c>), as fluent-bit's <c>Logstash_Format</c>.</summary>
    public string IndexPrefix { get; set; } = DefaultIndexPrefix;

    /// <summary>Tenants whose records go to indices of their own prefix instead of <see cref="IndexPrefix"/>.</summary>
    public IReadOnlyDictionary<string, string> TenantIndexPrefixes { get; set; } = new Dictionary<string, string>();

    /// <summary>Send bulk bodies gzip-compressed (<c>compress: gzip</c>).</summary>
    public bool Compress { get; set; }

    /// <summary>A batch is sent as bulk requests of at most this many bytes (a larger single record goes alone).</summary>
    public int BatchBytes { get; set; } = DefaultBatchBytes;

    /// <summary>How long one HTTP request may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>How often items answered 429 or 5xx are sent again (alone) before the write fails and the whole batch is retried later.</summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>Wait before the first item retry; it doubles for each further one, with jitter.</summary>
    public TimeSpan RetryBackoff { get; set; } = DefaultRetryBackoff;

    /// <summary>Longest wait between item retries.</summary>
    public TimeSpan RetryMaxBackoff { get; set; } = DefaultRetryMaxBackoff;

    /// <summary>
    /// Write member names with <c>_</c> for every <c>.</c> (fluent-bit's <c>Replace_Dots</c>), for
    /// dashboards built on that shape. Off by default: the index template maps dotted names as
    /// fields of their own, so they are stored and searched as written.
    /// </summary>
    public bool ReplaceDots { get; set; }

    /// <summary>
    /// Install the index templates on the first write (needs the <c>manage_index_templates</c>
    /// cluster privilege). Off when the cluster's administrators install them.
    /// </summary>
    public bool InstallTemplate { get; set; } = true;

    /// <summary>The index prefix of a tenant's records.</summary>
    public string IndexPrefixFor(string tenant) =>
        TenantIndexPrefixes.TryGetValue(tenant, out var prefix) ? prefix : IndexPrefix;

    /// <summary>Every prefix records may be written under: the default one, then the tenants' own, without repeats.</summary>
    public IReadOnlyList<string> AllIndexPrefixes() =>
        [.. new[] { IndexPrefix }.Concat(TenantIndexPrefixes.Values.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
}
