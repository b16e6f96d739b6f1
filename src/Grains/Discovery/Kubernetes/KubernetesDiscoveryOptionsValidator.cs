using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>Checks a <see cref="KubernetesDiscoveryOptions"/> before any request is made, naming the key at fault.</summary>
public sealed class KubernetesDiscoveryOptionsValidator : IValidateOptions<KubernetesDiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesDiscoveryOptions options)
    {
        var failures = new List<string>();
        if (options.ApiServer is { } api && (!api.IsAbsoluteUri || api.Scheme is not ("http" or "https")))
        {
            failures.Add($"api_server: '{api}' is not an absolute http or https URL (e.g. https://10.0.0.1:6443)");
        }

        if (options.KubeConfigFile is { Length: > 0 } file && !File.Exists(file))
        {
            failures.Add($"kubeconfig_file: '{file}' does not exist");
        }

        if (options.Role == KubernetesRole.Node && options.Namespaces.Count > 0)
        {
            failures.Add("namespaces: nodes belong to no namespace; remove namespaces from a role: node discovery");
        }

        if (options.Namespaces.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("namespaces.names: a namespace name is empty");
        }

        if (options.MinRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.MinRetryDelay)
        {
            failures.Add($"retry delays: need 0 < min ({options.MinRetryDelay}) <= max ({options.MaxRetryDelay})");
        }

        if (options.WatchTimeoutSeconds <= 0)
        {
            failures.Add($"watch_timeout_seconds: {options.WatchTimeoutSeconds} must be positive");
        }

        if (options.WatchStallGrace <= TimeSpan.Zero)
        {
            failures.Add($"watch stall grace: {options.WatchStallGrace} must be positive");
        }

        if (options.ListPageSize <= 0)
        {
            failures.Add($"list_page_size: {options.ListPageSize} must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
