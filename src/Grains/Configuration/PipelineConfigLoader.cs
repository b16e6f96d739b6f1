using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// Reads the pipeline YAML file, checking every key and value; all errors are reported at once,
/// each naming its key path and line.
/// </summary>
public static class PipelineConfigLoader
{
    /// <summary>The configuration used without <c>--config</c>: tail the kubelet's symlinks into the embedded store.</summary>
    public static PipelineConfig Default(string? dataDir = null) => new()
    {
        DataDir = dataDir ?? PipelineConfig.DefaultDataDir,
        NodeName = DefaultNodeName(),
        Logs = new LogsConfig
        {
            Inputs = [new TailInputConfig { Paths = ["/var/log/containers/*.log"] }],
            Outputs = [new LogOutputConfig { Type = LogOutputType.Embedded, Name = "embedded" }],
        },
    };

    public static PipelineConfig LoadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new PipelineConfigException([$"{path}: is a directory; --config takes the pipeline file itself (e.g. {Path.Combine(path, "pipeline.yaml")})"]);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PipelineConfigException([$"{path}: no such file (working directory {Environment.CurrentDirectory})"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineConfigException([$"{path}: cannot read the pipeline file: {e.Message}"]);
        }

        return Parse(text, path);
    }

    public static PipelineConfig Parse(string yaml, string source = "pipeline.yaml")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new PipelineConfigException([YamlSyntaxError.Describe(yaml, source, e)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unclosed flow collections ("key: [a, b" and a next line).
            throw new PipelineConfigException([YamlSyntaxError.Describe(yaml, source, null)]);
        }

        var errors = new List<string>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Default();
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode rootMapping)
        {
            throw new PipelineConfigException([$"{source} (line 1): the pipeline file must be a mapping of keys (data_dir, logs, …)"]);
        }

        var root = new ConfigNode(rootMapping, "", errors);
        var config = new PipelineConfig
        {
            DataDir = root.String("data_dir") ?? PipelineConfig.DefaultDataDir,
            NodeName = root.String("node_name") ?? DefaultNodeName(),
            Cluster = ClusterConfigReader.Read(root.Section("cluster"), Environment.GetEnvironmentVariable),
            Logs = ReadLogs(root.Section("logs"), errors),
            Tenants = [.. root.Sections("tenants").Select(ReadTenant)],
            Auth = ReadAuth(root.Section("auth")),
            Metrics = ReadMetrics(root),
            Containers = ContainerMetricsConfigReader.Read(root.Section("containers")),
            Storage = MetricStoreConfigReader.Read(root.Section("storage")),
            ShutdownTimeout = root.Duration("shutdown_timeout", PipelineConfig.DefaultShutdownTimeout, TimeSpan.FromSeconds(1)),
        };
        root.RejectUnknownKeys();
        CheckTenants(config, root);

        if (errors.Count > 0)
        {
            throw new PipelineConfigException(errors);
        }

        return config;
    }

    private static MetricsConfig ReadMetrics(ConfigNode root)
    {
        var global = ScrapeConfigReader.ReadGlobal(root.Section("global"));
        var jobs = root.Sections("scrape_configs").Select(job => ScrapeConfigReader.Read(job, global)).ToList();
        foreach (var duplicate in jobs.GroupBy(j => j.JobName).Where(g => g.Count() > 1))
        {
            root.ValueError("scrape_configs", $"two scrape jobs are named '{duplicate.Key}' (job_name must be unique)");
        }

        return new MetricsConfig
        {
            Global = global,
            ScrapeJobs = jobs,
            RemoteWrite = RemoteWriteConfigReader.ReadAll(root, global.ExternalLabels),
        };
    }

    private static LogsConfig ReadLogs(ConfigNode? logs, List<string> errors)
    {
        if (logs is null)
        {
            return new LogsConfig();
        }

        var filters = FilterConfigReader.Read(logs);
        var result = new LogsConfig
        {
            Inputs = [.. logs.Sections("inputs").Select(ReadInput).OfType<TailInputConfig>()],
            Outputs = [.. logs.Sections("outputs").Select(ReadOutput).OfType<LogOutputConfig>()],
            Filters = filters.Filters,
            Multiline = filters.Multiline,
            Parsers = filters.Parsers,
            ShardsPerTenant = logs.Int("shards_per_tenant", LogsConfig.DefaultShardsPerTenant, 1, 1024),
            BatchBytes = logs.Size("batch_size", LogsConfig.DefaultBatchBytes, 1024),
            FlushInterval = logs.Duration("flush_interval", LogsConfig.DefaultFlushInterval, TimeSpan.FromMilliseconds(10), "flush"),
            MaxInFlightBatches = logs.Int("max_in_flight_batches", LogsConfig.DefaultMaxInFlightBatches, 1, 1024),
            TenantMemBufLimit = logs.String("tenant_mem_buf_limit") is null ? null : logs.Size("tenant_mem_buf_limit", 0, 1024 * 1024),
            Kubernetes = logs.Section("kubernetes") is { } kubernetes ? ReadKubernetes(kubernetes) : new KubernetesLogsConfig(),
        };
        logs.RejectUnknownKeys();

        if (result.Outputs.Count(o => o.Type == LogOutputType.Embedded) > 1)
        {
            errors.Add($"logs.outputs (line {logs.Line}): at most one embedded output; a silo has one embedded store");
        }

        foreach (var duplicate in result.Outputs.GroupBy(o => o.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"logs.outputs (line {logs.Line}): two outputs are named '{duplicate.Key}'; give each a distinct 'id'");
        }

        if (result.BatchBytes > 64L * 1024 * 1024)
        {
            errors.Add($"logs.batch_size (line {logs.Line}): at most 64MiB; Orleans messages over 100MiB break the link between silos");
        }

        return result;
    }

    private static KubernetesLogsConfig ReadKubernetes(ConfigNode node)
    {
        var apiServer = node.String("api_server", null, "kube_url");
        Uri? apiUri = null;
        if (apiServer is not null && (!Uri.TryCreate(apiServer, UriKind.Absolute, out apiUri) || apiUri.Scheme is not ("http" or "https")))
        {
            node.ValueError("api_server", $"'{apiServer}' is not an absolute http or https URL (e.g. https://10.0.0.1:6443)");
            apiUri = null;
        }

        var config = new KubernetesLogsConfig
        {
            Enabled = node.Bool("enabled", false),
            ApiServer = apiUri,
            KubeConfigFile = node.String("kubeconfig_file"),
            Labels = node.Bool("labels", true),
            Annotations = node.Bool("annotations", true),
            Exclude = node.Bool("exclude", true, "k8s-logging.exclude"),
            NamespaceLabels = node.Has("namespace_labels") ? node.Bool("namespace_labels", false) : null,
            StartupWait = node.Duration("startup_wait", KubernetesLogsConfig.DefaultStartupWait, TimeSpan.Zero),
        };
        node.RejectUnknownKeys();

        if (config.KubeConfigFile is { Length: > 0 } file && !File.Exists(file))
        {
            node.ValueError("kubeconfig_file", $"'{file}' does not exist");
        }

        if (config.Enabled && config.ApiServer is null && string.IsNullOrEmpty(config.KubeConfigFile) && !k8s.KubernetesClientConfiguration.IsInCluster())
        {
            node.Error("enabled, but there is no API server to ask: this process runs in no pod (no service-account token) and neither api_server nor kubeconfig_file is set; set one of them or enabled: false");
        }

        return config;
    }

    private static TailInputConfig? ReadInput(ConfigNode input)
    {
        var type = input.String("type", null, "name");
        if (!string.Equals(type, "tail", StringComparison.OrdinalIgnoreCase))
        {
            input.Error(type is null ? "missing key 'type' (expected tail)" : $"unknown input type '{type}' (expected tail)");
            return null;
        }

        var config = new TailInputConfig
        {
            Paths = input.StringList("paths", "path"),
            ExcludePaths = input.StringList("exclude_paths", "exclude_path"),
            ReadFromHead = input.Bool("read_from_head", false),
            RefreshInterval = input.Duration("refresh_interval", TailInputConfig.DefaultRefreshInterval, TimeSpan.FromMilliseconds(10), "rescan_interval"),
            RotateWait = input.Duration("rotate_wait", TailInputConfig.DefaultRotateWait, TimeSpan.Zero),
            MaxLineSize = input.Size("max_line_size", TailInputConfig.DefaultMaxLineSize, 1024, "buffer_max_size"),
            MemBufLimit = input.Size("mem_buf_limit", TailInputConfig.DefaultMemBufLimit, 1024 * 1024),
            ExitOnEof = input.Bool("exit_on_eof", false),
            InotifyWatcher = input.Bool("inotify_watcher", true),
        };
        input.RejectUnknownKeys();

        if (config.Paths.Count == 0)
        {
            input.Error("a tail input needs 'paths' (globs such as /var/log/containers/*.log)");
        }

        foreach (var path in config.Paths.Concat(config.ExcludePaths))
        {
            if (!Path.IsPathRooted(path))
            {
                input.Error($"path '{path}' must be absolute");
            }
        }

        return config;
    }

    private static LogOutputConfig? ReadOutput(ConfigNode output)
    {
        // fluent-bit style 'name: es' names the type; beside 'type', 'name' names the output.
        var type = output.String("type");
        var name = output.String("name");
        if (type is null)
        {
            (type, name) = (name, null);
        }

        LogOutputType? kind = type?.ToLowerInvariant() switch
        {
            "embedded" => LogOutputType.Embedded,
            "null" => LogOutputType.Null,
            "elasticsearch" or "es" => LogOutputType.Elasticsearch,
            _ => null,
        };
        if (kind is null)
        {
            output.Error(type is null ? "missing key 'type' (expected embedded, elasticsearch or null)" : $"unknown output type '{type}' (expected embedded, elasticsearch or null)");
            return null;
        }

        // The output's own name: 'id' (fluent-bit 'alias', fluentd '@id'), else 'name' beside 'type', else the type.
        name = output.String("id", null, "alias", "@id") ?? name ?? kind.Value.ToString().ToLowerInvariant();
        var config = new LogOutputConfig
        {
            Type = kind.Value,
            Name = name,
            RetentionDays = kind == LogOutputType.Embedded
                ? output.Int("retention_days", LogOutputConfig.DefaultRetentionDays, 1, 36500)
                : LogOutputConfig.DefaultRetentionDays,
            Elasticsearch = kind == LogOutputType.Elasticsearch ? ElasticsearchOutputConfigReader.Read(output, name) : null,
        };
        output.RejectUnknownKeys();
        return config;
    }

    private static TenantConfig ReadTenant(ConfigNode tenant)
    {
        var name = tenant.String("name");
        long? limit = tenant.String("mem_buf_limit") is null ? null : tenant.Size("mem_buf_limit", 0, 1024 * 1024);
        var config = new TenantConfig
        {
            Name = name ?? "",
            Namespaces = tenant.StringList("namespaces"),
            NamespaceLabels = tenant.StringMap("namespace_labels").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Outputs = tenant.StringList("outputs"),
            IndexPrefix = tenant.String("index_prefix"),
            MemBufLimit = limit,
            Tokens = ReadTokens(tenant, "tokens", "token_env"),
        };
        tenant.RejectUnknownKeys();
        if (string.IsNullOrWhiteSpace(name))
        {
            tenant.Error("a tenant needs a 'name'");
        }
        else if (name.Contains('/') || name.StartsWith('_'))
        {
            tenant.ValueError("name", $"'{name}' may not contain '/' or start with '_'");
        }

        if (config.Namespaces.Count == 0 && config.NamespaceLabels.Count == 0)
        {
            tenant.Error("a tenant needs 'namespaces' (names or patterns such as team-a-*) or 'namespace_labels'");
        }

        return config;
    }

    private static AuthConfig ReadAuth(ConfigNode? auth)
    {
        if (auth is null)
        {
            return new AuthConfig();
        }

        var config = new AuthConfig { AdminTokens = ReadTokens(auth, "admin_tokens", "admin_token_env") };
        auth.RejectUnknownKeys();
        return config;
    }

    /// <summary>
    /// Tokens listed in the file plus those in the environment variable named by <paramref name="envKey"/>
    /// (comma-separated). A named variable that is unset or empty is an error: a tenant must not end up
    /// open, or locked out, because a secret was not mounted.
    /// </summary>
    private static List<string> ReadTokens(ConfigNode node, string listKey, string envKey)
    {
        var tokens = node.StringList(listKey);
        if (node.String(envKey) is { } variable)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                node.ValueError(envKey, $"environment variable '{variable}' is not set");
            }
            else
            {
                tokens.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        foreach (var token in tokens)
        {
            if (token.Length < 16)
            {
                node.ValueError(listKey, "a token must be at least 16 characters");
                break;
            }
        }

        return tokens;
    }

    private static void CheckTenants(PipelineConfig config, ConfigNode root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var outputs = config.Logs.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var tokens = new HashSet<string>(config.Auth.AdminTokens, StringComparer.Ordinal);
        foreach (var tenant in config.Tenants)
        {
            if (tenant.Name.Length > 0 && !names.Add(tenant.Name))
            {
                root.ValueError("tenants", $"tenant '{tenant.Name}' is defined twice");
            }

            foreach (var output in tenant.Outputs.Where(o => !outputs.Contains(o)))
            {
                root.ValueError("tenants", $"tenant '{tenant.Name}' names output '{output}', which logs.outputs does not define (outputs: {string.Join(", ", outputs)})");
            }

            foreach (var token in tenant.Tokens)
            {
                if (!tokens.Add(token))
                {
                    root.ValueError("tenants", $"tenant '{tenant.Name}' shares a token with another tenant or the admin; every token must be unique");
                    break;
                }
            }
        }
    }

    private static string DefaultNodeName() =>
        Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node ? node : Environment.MachineName;
}
