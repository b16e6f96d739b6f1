using System.Buffers;
using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>Checks <see cref="ElasticsearchLogOutputOptions"/>; each problem names the pipeline file key to change.</summary>
public sealed class ElasticsearchLogOutputOptionsValidator : IValidateOptions<ElasticsearchLogOutputOptions>
{
    private static readonly SearchValues<char> InvalidIndexCharacters = SearchValues.Create("\\/*?\"<>| ,#:");

    public ValidateOptionsResult Validate(string? name, ElasticsearchLogOutputOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem of the options, as a sentence starting with the key concerned.</summary>
    public static List<string> Problems(ElasticsearchLogOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            problems.Add("name: must not be empty");
        }

        if (options.Hosts.Count == 0)
        {
            problems.Add("hosts: at least one Elasticsearch URL is needed (e.g. https://elasticsearch:9200)");
        }

        foreach (var host in options.Hosts)
        {
            if (!host.IsAbsoluteUri || host.Scheme is not ("http" or "https"))
            {
                problems.Add($"hosts: '{host}' is not an http:// or https:// URL");
            }
            else if (!string.IsNullOrEmpty(host.Query) || !string.IsNullOrEmpty(host.Fragment))
            {
                problems.Add($"hosts: '{host}' must not have a query or fragment");
            }
        }

        if (options.User is not null && string.IsNullOrEmpty(options.Password))
        {
            problems.Add("password: user is set but no password (set password_env to the variable holding it)");
        }

        if (options.User is null && options.Password is not null)
        {
            problems.Add("user: a password is set but no user");
        }

        if (options.ApiKey is not null && options.User is not null)
        {
            problems.Add("api_key: use either user/password or api_key, not both");
        }

        if (options.ApiKey is { Length: 0 })
        {
            problems.Add("api_key: is empty");
        }

        if (options.CaFile is not null)
        {
            if (!File.Exists(options.CaFile))
            {
                problems.Add($"tls.ca_file: '{options.CaFile}' does not exist");
            }

            if (options.Hosts.Count > 0 && options.Hosts.All(h => h.Scheme != "https"))
            {
                problems.Add("tls.ca_file: is set but no host uses https://");
            }
        }

        foreach (var prefix in options.AllIndexPrefixes())
        {
            if (IndexPrefixProblem(prefix) is { } problem)
            {
                problems.Add($"{(prefix == options.IndexPrefix ? "index_prefix" : "tenant_index_prefixes")}: '{prefix}' {problem}");
            }
        }

        if (options.BatchBytes is < ElasticsearchLogOutputOptions.MinBatchBytes or > ElasticsearchLogOutputOptions.MaxBatchBytes)
        {
            problems.Add($"batch_size: {options.BatchBytes} bytes is outside {ElasticsearchLogOutputOptions.MinBatchBytes} to {ElasticsearchLogOutputOptions.MaxBatchBytes}");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("timeout: must be positive");
        }

        if (options.MaxRetries < 0)
        {
            problems.Add("max_retries: must not be negative");
        }

        if (options.RetryBackoff < TimeSpan.Zero || options.RetryMaxBackoff < options.RetryBackoff)
        {
            problems.Add("retry_backoff: must not be negative nor above retry_max_backoff");
        }

        return problems;
    }

    /// <summary>Why an index prefix would make invalid index names (Elasticsearch's rules), or null.</summary>
    public static string? IndexPrefixProblem(string prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "must not be empty";
        }

        if (!string.Equals(prefix, prefix.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "must be lowercase (Elasticsearch index names are)";
        }

        if (prefix[0] is '_' or '-' or '+' or '.')
        {
            return "must not start with '_', '-', '+' or '.'";
        }

        if (prefix.AsSpan().ContainsAny(InvalidIndexCharacters))
        {
            return "must not contain spaces nor any of \\ / * ? \" < > | , # :";
        }

        // 255 bytes at most for the whole name, which adds "-YYYY.MM.DD".
        return System.Text.Encoding.UTF8.GetByteCount(prefix) > 240 ? "is longer than 240 bytes" : null;
    }
}
