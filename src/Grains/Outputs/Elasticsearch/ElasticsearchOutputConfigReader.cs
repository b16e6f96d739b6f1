using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Reads a <c>logs.outputs</c> entry of <c>type: elasticsearch</c>:
/// <code>
/// - type: elasticsearch
///   name: es                       # default: elasticsearch
///   hosts: [https://es-0:9200, https://es-1:9200]
///   user: pipeline                 # with password_env (or password); or api_key_env (or api_key)
///   password_env: ES_PASSWORD
///   tls: {ca_file: /etc/es/ca.pem, verify: true}
///   index_prefix: kubernetes_cluster
///   tenant_index_prefixes: {payments: payments_logs}
///   compress: gzip                 # or none
///   batch_size: 5MiB               # bytes per bulk request
///   timeout: 30s
///   max_retries: 5                 # for items answered 429 or 5xx
///   retry_backoff: 500ms
///   retry_max_backoff: 30s
///   replace_dots: false            # true: app.kubernetes.io/name is written app_kubernetes_io/name
///   install_template: true         # false: the cluster's administrators install it
/// </code>
/// Secrets are best read from environment variables (<c>password_env</c>, <c>api_key_env</c>);
/// an unset variable is an error, never an empty secret.
/// </summary>
internal static class ElasticsearchOutputConfigReader
{
    public static ElasticsearchLogOutputOptions Read(ConfigNode output, string? name) =>
        Read(output, name, Environment.GetEnvironmentVariable);

    public static ElasticsearchLogOutputOptions Read(ConfigNode output, string? name, Func<string, string?> environment)
    {
        var hosts = new List<Uri>();
        foreach (var host in output.StringList("hosts", "host"))
        {
            if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                hosts.Add(uri);
            }
            else
            {
                output.ValueError("hosts", $"'{host}' is not an http:// or https:// URL (write it like https://elasticsearch:9200)");
            }
        }

        if (hosts.Count == 0 && output.StringList("hosts", "host").Count == 0)
        {
            output.Error("an elasticsearch output needs 'hosts' (URLs such as https://elasticsearch:9200)");
        }

        var user = output.String("user", null, "http_user");
        var password = Secret(output, "password", environment, "http_passwd");
        var passwordEnvNamed = output.String("password_env") is not null;
        var apiKey = Secret(output, "api_key", environment);

        string? caFile = null;
        var verify = true;
        if (output.Section("tls") is { } tls)
        {
            caFile = tls.String("ca_file", null, "ca");
            verify = tls.Bool("verify", true);
            tls.RejectUnknownKeys();
        }

        var compress = output.String("compress", "none")?.Trim().ToLowerInvariant();
        if (compress is not ("gzip" or "none" or "off" or "false" or ""))
        {
            output.ValueError("compress", $"'{compress}' is not a compression (expected gzip or none)");
        }

        var batchBytes = output.Size("batch_size", ElasticsearchLogOutputOptions.DefaultBatchBytes, ElasticsearchLogOutputOptions.MinBatchBytes);
        if (batchBytes > ElasticsearchLogOutputOptions.MaxBatchBytes)
        {
            output.ValueError("batch_size", $"at most {ElasticsearchLogOutputOptions.MaxBatchBytes / (1024 * 1024)}MiB (Elasticsearch refuses requests over 100MB)");
            batchBytes = ElasticsearchLogOutputOptions.DefaultBatchBytes;
        }

        var options = new ElasticsearchLogOutputOptions
        {
            Name = name ?? ElasticsearchLogOutputOptions.DefaultName,
            Hosts = hosts,
            User = user,
            Password = password,
            ApiKey = apiKey,
            CaFile = caFile,
            VerifyCertificates = verify,
            IndexPrefix = output.String("index_prefix", ElasticsearchLogOutputOptions.DefaultIndexPrefix, "logstash_prefix")!,
            TenantIndexPrefixes = output.StringMap("tenant_index_prefixes").ToDictionary(StringComparer.Ordinal),
            Compress = compress == "gzip",
            BatchBytes = (int)batchBytes,
            RequestTimeout = output.Duration("timeout", ElasticsearchLogOutputOptions.DefaultRequestTimeout, TimeSpan.FromMilliseconds(1)),
            MaxRetries = output.Int("max_retries", ElasticsearchLogOutputOptions.DefaultMaxRetries, 0, 1000),
            RetryBackoff = output.Duration("retry_backoff", ElasticsearchLogOutputOptions.DefaultRetryBackoff, TimeSpan.Zero),
            RetryMaxBackoff = output.Duration("retry_max_backoff", ElasticsearchLogOutputOptions.DefaultRetryMaxBackoff, TimeSpan.Zero),
            ReplaceDots = output.Bool("replace_dots", false),
            InstallTemplate = output.Bool("install_template", true),
        };

        // The rest of the checks are shared with code-built options.
        foreach (var problem in ElasticsearchLogOutputOptionsValidator.Problems(options))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            var key = problem[..colon];
            // Hosts already had their say above; an unset password_env too, naming its variable: "user is set but no
            // password (set password_env …)" beside it would contradict a file that does set password_env.
            if (key == "hosts" || (key == "password" && passwordEnvNamed))
            {
                continue;
            }

            if (key.Contains('.', StringComparison.Ordinal))
            {
                output.Error(problem);
            }
            else
            {
                output.ValueError(key, problem[(colon + 2)..]);
            }
        }

        return options;
    }

    /// <summary>A secret given as <c>key</c> or, better, as <c>key_env</c> naming an environment variable.</summary>
    private static string? Secret(ConfigNode output, string key, Func<string, string?> environment, params string[] aliases)
    {
        var literal = output.String(key, null, aliases);
        var variable = output.String(key + "_env");
        if (literal is not null && variable is not null)
        {
            output.ValueError(key + "_env", $"give either {key} or {key}_env, not both");
            return literal;
        }

        if (variable is null)
        {
            return literal;
        }

        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
        {
            output.ValueError(key + "_env", $"environment variable '{variable}' is not set or empty");
            return null;
        }

        return value;
    }
}
