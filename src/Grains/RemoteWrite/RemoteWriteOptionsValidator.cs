using Microsoft.Extensions.Options;
using Pipeline.Grains.Http;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>Checks <see cref="RemoteWriteOptions"/>; each problem starts with the <c>remote_write</c> key to change.</summary>
public sealed class RemoteWriteOptionsValidator : IValidateOptions<RemoteWriteOptions>
{
    // Headers the sender owns; Prometheus refuses them in `headers` too.
    private static readonly string[] ReservedHeaders =
    [
        "Authorization", "Host", "Content-Encoding", "Content-Type", "Content-Length", "User-Agent",
        RemoteWriteConstants.VersionHeader, "Connection", "Keep-Alive", "Proxy-Authenticate",
        "Proxy-Authorization", "Transfer-Encoding", "Upgrade",
    ];

    public ValidateOptionsResult Validate(string? name, RemoteWriteOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem of the options, as a sentence starting with the key concerned.</summary>
    public static List<string> Problems(RemoteWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Url is null)
        {
            problems.Add("url: a remote_write entry needs the receiver's URL (e.g. http://prometheus:9090/api/v1/write)");
        }
        else if (!options.Url.IsAbsoluteUri || options.Url.Scheme is not ("http" or "https"))
        {
            problems.Add($"url: '{options.Url}' is not an http:// or https:// URL");
        }

        if (options.Name is { } name && string.IsNullOrWhiteSpace(name))
        {
            problems.Add("name: must not be empty when given");
        }

        if (options.RemoteTimeout <= TimeSpan.Zero)
        {
            problems.Add("remote_timeout: must be more than 0s");
        }

        foreach (var (header, _) in options.Headers)
        {
            if (ReservedHeaders.Contains(header, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"headers: '{header}' is set by the sender and cannot be overridden (use basic_auth or authorization for credentials)");
            }
        }

        var http = options.Http ?? HttpClientConfig.None;
        var basicAuth = http.BasicAuthUsername is not null || http.BasicAuthPassword is not null || http.BasicAuthPasswordFile is not null;
        var authorization = http.AuthorizationCredentials is not null || http.AuthorizationCredentialsFile is not null;
        if (basicAuth && authorization)
        {
            problems.Add("basic_auth: use either basic_auth or authorization (bearer_token), not both");
        }

        if (http.BasicAuthPassword is not null && http.BasicAuthPasswordFile is not null)
        {
            problems.Add("basic_auth.password: give either password or password_file, not both");
        }

        if (basicAuth && string.IsNullOrEmpty(http.BasicAuthUsername))
        {
            problems.Add("basic_auth.username: basic_auth needs a username");
        }

        if (http.AuthorizationCredentials is not null && http.AuthorizationCredentialsFile is not null)
        {
            problems.Add("authorization.credentials: give either credentials (bearer_token) or credentials_file (bearer_token_file), not both");
        }

        if (string.IsNullOrWhiteSpace(http.AuthorizationType) || http.AuthorizationType.Any(char.IsWhiteSpace))
        {
            problems.Add($"authorization.type: '{http.AuthorizationType}' is not an authorization scheme (e.g. Bearer)");
        }
        else if (string.Equals(http.AuthorizationType, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("authorization.type: use basic_auth for Basic credentials");
        }

        if ((http.TlsCertFile is null) != (http.TlsKeyFile is null))
        {
            problems.Add("tls_config.cert_file: a client certificate needs both cert_file and key_file");
        }

        foreach (var (labelName, _) in options.ExternalLabels)
        {
            if (string.IsNullOrEmpty(labelName))
            {
                problems.Add("external_labels: a label name is empty");
            }
        }

        var queue = options.Queue;
        if (queue.Capacity < 1)
        {
            problems.Add("queue_config.capacity: must be at least 1");
        }

        if (queue.MaxShards < 1)
        {
            problems.Add("queue_config.max_shards: must be at least 1");
        }

        if (queue.MinShards < 1 || queue.MinShards > queue.MaxShards)
        {
            problems.Add($"queue_config.min_shards: must be from 1 to max_shards ({queue.MaxShards})");
        }

        if (queue.MaxSamplesPerSend < 1)
        {
            problems.Add("queue_config.max_samples_per_send: must be at least 1");
        }

        if (queue.BatchSendDeadline <= TimeSpan.Zero)
        {
            problems.Add("queue_config.batch_send_deadline: must be more than 0s");
        }

        if (queue.MinBackoff < TimeSpan.Zero)
        {
            problems.Add("queue_config.min_backoff: must not be negative");
        }

        if (queue.MaxBackoff < queue.MinBackoff)
        {
            problems.Add($"queue_config.max_backoff: must be at least min_backoff ({queue.MinBackoff.TotalMilliseconds}ms)");
        }

        if (queue.SampleAgeLimit < TimeSpan.Zero)
        {
            problems.Add("queue_config.sample_age_limit: must not be negative (0s keeps every sample)");
        }

        if (options.FlushDeadline < TimeSpan.Zero)
        {
            problems.Add("flush_deadline: must not be negative");
        }

        return problems;
    }
}
