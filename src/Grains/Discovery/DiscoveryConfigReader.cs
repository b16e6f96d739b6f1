using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Discovery;

/// <summary>Reads the service-discovery keys of a <c>scrape_configs</c> entry.</summary>
/// <remarks>
/// As in <c>prometheus.yml</c>:
/// <code>
/// static_configs:
///   - targets: [10.0.0.1:9100, node-2:9100]
///     labels: {env: prod}
/// file_sd_configs:
///   - files: [/etc/targets/*.json, /etc/targets/web.yml]
///     refresh_interval: 5m
/// http_sd_configs:
///   - url: http://inventory:8080/targets
///     refresh_interval: 60s
///     authorization: {credentials_file: /etc/sd/token}   # basic_auth, tls_config, follow_redirects too
/// kubernetes_sd_configs:
///   - role: pod                      # node, service, endpointslice
///     namespaces: {names: [shop], own_namespace: false}
///     selectors: [{role: pod, label: "app=web", field: "spec.nodeName=node-1"}]
///     api_server: https://10.0.0.1:6443   # or kubeconfig_file; else the pod's service account
/// </code>
/// </remarks>
internal static class DiscoveryConfigReader
{
    private static readonly string[] HttpClientKeys = ["basic_auth", "authorization", "bearer_token", "bearer_token_file", "tls_config"];

    /// <summary>
    /// <c>static_configs</c>, <c>file_sd_configs</c>, <c>http_sd_configs</c> and <c>kubernetes_sd_configs</c>
    /// of <paramref name="job"/>, in that order; errors are reported on the node. Unknown keys of each
    /// entry are reported; those of <paramref name="job"/> are left to the caller.
    /// </summary>
    public static List<DiscoveryConfig> Read(ConfigNode job)
    {
        var result = new List<DiscoveryConfig>();
        var index = 0;
        foreach (var entry in job.Sections(StaticDiscoveryConfig.Key))
        {
            result.Add(ReadStatic(entry, index++));
        }

        foreach (var entry in job.Sections(FileDiscoveryConfig.Key))
        {
            if (ReadFile(entry) is { } file)
            {
                result.Add(file);
            }
        }

        foreach (var entry in job.Sections(HttpDiscoveryConfig.Key))
        {
            if (ReadHttp(entry) is { } http)
            {
                result.Add(http);
            }
        }

        foreach (var entry in job.Sections(KubernetesDiscoveryConfig.Key))
        {
            if (ReadKubernetes(entry) is { } kubernetes)
            {
                result.Add(kubernetes);
            }
        }

        return result;
    }

    private static StaticDiscoveryConfig ReadStatic(ConfigNode entry, int index)
    {
        var targets = new List<string>();
        foreach (var (target, line) in entry.ScalarItems("targets", splitCommas: false))
        {
            if (target.Length == 0 || target.Contains('/', StringComparison.Ordinal))
            {
                entry.Error("targets", line, $"'{target}' is not a host:port (no scheme or path here: set scheme and metrics_path on the job)");
                continue;
            }

            targets.Add(target);
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in entry.StringMap("labels"))
        {
            if (!LabelNames.IsValid(name, LabelNameValidation.Utf8))
            {
                entry.ValueError("labels", $"'{name}' is not a valid label name");
                continue;
            }

            labels[name] = value;
        }

        entry.RejectUnknownKeys();
        return new StaticDiscoveryConfig { Targets = targets, Labels = labels, Index = index };
    }

    private static FileDiscoveryConfig? ReadFile(ConfigNode entry)
    {
        var files = new List<string>();
        foreach (var (file, line) in entry.ScalarItems("files", splitCommas: false))
        {
            if (!FileDiscoveryConfig.HasKnownExtension(file))
            {
                entry.Error("files", line, $"'{file}' does not end in .json, .yml or .yaml (file_sd reads only those)");
            }
            else if ((Path.GetDirectoryName(file) ?? "").AsSpan().IndexOfAny('*', '?') >= 0)
            {
                entry.Error("files", line, $"'{file}': only the last path segment may hold * or ? (e.g. /etc/targets/web_*.json)");
            }
            else
            {
                files.Add(file);
            }
        }

        var refresh = Duration(entry, "refresh_interval", DiscoveryConstants.DefaultFileRefreshInterval);
        var valid = true;
        if (!entry.Has("files"))
        {
            entry.Error("a file_sd_configs entry needs 'files' (e.g. files: [/etc/targets/*.json])");
            valid = false;
        }

        entry.RejectUnknownKeys();
        return valid && files.Count > 0 ? new FileDiscoveryConfig { Files = files, RefreshInterval = refresh } : null;
    }

    private static HttpDiscoveryConfig? ReadHttp(ConfigNode entry)
    {
        var url = Url(entry, "url", "http://inventory:8080/targets");
        if (url is null && !entry.Has("url"))
        {
            entry.Error("an http_sd_configs entry needs 'url' (e.g. http://inventory:8080/targets)");
        }

        var refresh = Duration(entry, "refresh_interval", DiscoveryConstants.DefaultHttpRefreshInterval);
        var http = HttpClientConfigReader.Read(entry);
        entry.RejectUnknownKeys();
        return url is null ? null : new HttpDiscoveryConfig { Url = url, RefreshInterval = refresh, Http = http };
    }

    private static KubernetesDiscoveryConfig? ReadKubernetes(ConfigNode entry)
    {
        var options = new KubernetesDiscoveryOptions();
        var valid = true;
        var roleText = entry.String("role");
        if (roleText is null)
        {
            entry.Error("a kubernetes_sd_configs entry needs 'role' (one of pod, node, service, endpointslice)");
            valid = false;
        }
        else if (TryParseRole(roleText, out var role))
        {
            options.Role = role;
        }
        else
        {
            entry.ValueError("role", $"unknown role '{roleText}' (expected one of pod, node, service, endpointslice)");
            valid = false;
        }

        options.ApiServer = Url(entry, "api_server", "https://10.0.0.1:6443");
        options.KubeConfigFile = entry.String("kubeconfig_file");
        if (options.ApiServer is not null && options.KubeConfigFile is not null)
        {
            entry.ValueError("kubeconfig_file", "use either api_server or kubeconfig_file, not both");
        }

        if (entry.Section("namespaces") is { } namespaces)
        {
            foreach (var (name, line) in namespaces.ScalarItems("names", splitCommas: false))
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    namespaces.Error("names", line, "a namespace name is empty");
                    continue;
                }

                options.Namespaces.Add(name);
            }

            options.OwnNamespace = namespaces.Bool("own_namespace", false);
            namespaces.RejectUnknownKeys();
            if (valid && options.Role == KubernetesRole.Node && (options.Namespaces.Count > 0 || options.OwnNamespace))
            {
                entry.ValueError("namespaces", "nodes belong to no namespace; remove namespaces from a role: node discovery");
            }
        }

        var seen = new HashSet<KubernetesRole>();
        foreach (var selector in entry.Sections("selectors"))
        {
            var selectorRoleText = selector.String("role");
            var label = selector.String("label");
            var field = selector.String("field");
            selector.RejectUnknownKeys();
            if (selectorRoleText is null)
            {
                selector.Error("a selector needs 'role' (the role whose objects it selects)");
                continue;
            }

            if (!TryParseRole(selectorRoleText, out var selectorRole))
            {
                selector.ValueError("role", $"unknown role '{selectorRoleText}' (expected one of pod, node, service, endpointslice)");
                continue;
            }

            if (!seen.Add(selectorRole))
            {
                selector.ValueError("role", $"a second selector for role '{selectorRoleText}' (give one selector per role)");
                continue;
            }

            if (valid && selectorRole != options.Role)
            {
                // Prometheus's endpoints roles also watch pods and services; this discovery lists only the role's own objects.
                selector.ValueError("role", $"a {roleText} discovery selects only {roleText} objects here (found a selector for role '{selectorRoleText}')");
                continue;
            }

            options.LabelSelector = label;
            options.FieldSelector = field;
        }

        var http = HttpClientConfigReader.Read(entry);
        if (http != HttpClientConfig.None && options.ApiServer is null)
        {
            var key = HttpClientKeys.FirstOrDefault(k => entry.Has(k)) ?? "follow_redirects";
            entry.ValueError(key, "HTTP client settings apply only to an explicit api_server (a kubeconfig file or the service account brings its own); set api_server or remove them");
        }

        options.Http = http;
        entry.RejectUnknownKeys();
        return valid ? new KubernetesDiscoveryConfig { Options = options } : null;
    }

    private static bool TryParseRole(string text, out KubernetesRole role)
    {
        try
        {
            role = KubernetesDiscovery.ParseRole(text);
            return true;
        }
        catch (ArgumentException)
        {
            role = default;
            return false;
        }
    }

    private static Uri? Url(ConfigNode entry, string key, string example)
    {
        var text = entry.String(key);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        entry.ValueError(key, $"'{text}' is not an http:// or https:// URL (write it like {example})");
        return null;
    }

    private static TimeSpan Duration(ConfigNode entry, string key, TimeSpan fallback)
    {
        var text = entry.String(key);
        if (text is null)
        {
            return fallback;
        }

        if (PrometheusDuration.TryParse(text, out var value, out var error) && value > TimeSpan.Zero)
        {
            return value;
        }

        entry.ValueError(key, $"'{text}' is not a duration of more than 0s ({error ?? "zero"}; write it like 30s, 5m or 1h)");
        return fallback;
    }
}
