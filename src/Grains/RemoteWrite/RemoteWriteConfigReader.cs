using Pipeline.Grains.Configuration;
using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Reads <c>remote_write</c> entries written as in Prometheus's configuration:
/// <code>
/// remote_write:
///   - url: http://prometheus:9090/api/v1/write
///     name: central                  # default: the URL's host:port
///     remote_timeout: 30s
///     headers: {X-Scope-OrgID: team-a}
///     basic_auth: {username: pipeline, password_file: /etc/rw/password}   # or password
///     # or authorization: {type: Bearer, credentials_file: /etc/rw/token}  (bearer_token, bearer_token_file)
///     tls_config: {ca_file: /etc/rw/ca.pem, cert_file: /etc/rw/tls.crt, key_file: /etc/rw/tls.key, insecure_skip_verify: false}
///     follow_redirects: true
///     write_relabel_configs: [...]     # applied once per series before queueing
///     queue_config:
///       capacity: 10000                # per shard
///       max_shards: 50
///       min_shards: 1
///       max_samples_per_send: 2000
///       batch_send_deadline: 5s
///       min_backoff: 30ms
///       max_backoff: 5s
///       retry_on_http_429: false
///       sample_age_limit: 0s
/// </code>
/// Problems are reported through the <see cref="ConfigNode"/> with their key and line.
/// </summary>
internal static class RemoteWriteConfigReader
{
    /// <summary>
    /// The <c>remote_write</c> list of <paramref name="parent"/> (for instance the file's root); each
    /// entry gets <paramref name="externalLabels"/> (<c>global.external_labels</c>) when given.
    /// </summary>
    public static List<RemoteWriteOptions> ReadAll(ConfigNode parent, IReadOnlyList<KeyValuePair<string, string>>? externalLabels = null)
    {
        var result = new List<RemoteWriteOptions>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in parent.Sections("remote_write"))
        {
            var options = Read(entry, externalLabels);
            if (!names.Add(options.DisplayName))
            {
                entry.Error($"two remote_write entries are named '{options.DisplayName}' (give each a distinct 'name')");
            }

            result.Add(options);
        }

        return result;
    }

    /// <summary>One <c>remote_write</c> entry, with <c>global.external_labels</c> when given.</summary>
    public static RemoteWriteOptions Read(ConfigNode entry, IReadOnlyList<KeyValuePair<string, string>>? externalLabels = null)
    {
        Uri? url = null;
        var urlText = entry.String("url");
        if (urlText is null)
        {
            entry.Error("a remote_write entry needs 'url' (e.g. http://prometheus:9090/api/v1/write)");
        }
        else if (Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            url = parsed;
        }
        else
        {
            entry.ValueError("url", $"'{urlText}' is not an http:// or https:// URL (write it like http://prometheus:9090/api/v1/write)");
        }

        var http = HttpClientConfigReader.Read(entry);

        var queue = new RemoteWriteQueueOptions();
        if (entry.Section("queue_config") is { } q)
        {
            queue = new RemoteWriteQueueOptions
            {
                Capacity = q.Int("capacity", RemoteWriteQueueOptions.DefaultCapacity, 1, 100_000_000),
                MaxShards = q.Int("max_shards", RemoteWriteQueueOptions.DefaultMaxShards, 1, 10_000),
                MinShards = q.Int("min_shards", RemoteWriteQueueOptions.DefaultMinShards, 1, 10_000),
                MaxSamplesPerSend = q.Int("max_samples_per_send", RemoteWriteQueueOptions.DefaultMaxSamplesPerSend, 1, 1_000_000),
                BatchSendDeadline = q.Duration("batch_send_deadline", RemoteWriteQueueOptions.DefaultBatchSendDeadline, TimeSpan.FromMilliseconds(1)),
                MinBackoff = q.Duration("min_backoff", RemoteWriteQueueOptions.DefaultMinBackoff, TimeSpan.Zero),
                MaxBackoff = q.Duration("max_backoff", RemoteWriteQueueOptions.DefaultMaxBackoff, TimeSpan.Zero),
                RetryOnHttp429 = q.Bool("retry_on_http_429", false),
                SampleAgeLimit = q.Duration("sample_age_limit", TimeSpan.Zero, TimeSpan.Zero),
            };
            q.RejectUnknownKeys();
        }

        var options = new RemoteWriteOptions
        {
            Url = url!,
            Name = entry.String("name"),
            RemoteTimeout = entry.Duration("remote_timeout", RemoteWriteOptions.DefaultRemoteTimeout, TimeSpan.FromMilliseconds(1)),
            Headers = entry.StringMap("headers"),
            Http = http,
            WriteRelabelRules = RelabelConfigReader.Read(entry, "write_relabel_configs"),
            ExternalLabels = externalLabels ?? [],
            Queue = queue,
        };
        entry.RejectUnknownKeys();

        foreach (var problem in RemoteWriteOptionsValidator.Problems(options))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            var key = problem[..colon];
            if (key == "url" || IsHttpClientKey(key))
            {
                continue; // reported above with its line (the HTTP client keys by HttpClientConfigReader)
            }

            // "queue_config.min_shards": report at the nested key's line when the section is there.
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                entry.ValueError(key, problem[(colon + 2)..]);
            }
            else
            {
                entry.ValueError(key[..dot], problem);
            }
        }

        return options;
    }

    private static bool IsHttpClientKey(string key) =>
        key.StartsWith("basic_auth", StringComparison.Ordinal) ||
        key.StartsWith("authorization", StringComparison.Ordinal) ||
        key.StartsWith("tls_config", StringComparison.Ordinal);
}
