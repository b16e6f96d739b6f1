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
            Outputs = [new LogOutputConfig { Type = LogOutputType.Embedded }],
        },
    };

    public static PipelineConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
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
            throw new PipelineConfigException([$"{source} (line {e.Start.Line}): not valid YAML: {e.InnerException?.Message ?? e.Message}"]);
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
            Logs = ReadLogs(root.Section("logs"), errors),
        };
        root.RejectUnknownKeys();

        if (errors.Count > 0)
        {
            throw new PipelineConfigException(errors);
        }

        return config;
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
        };
        logs.RejectUnknownKeys();

        if (result.BatchBytes > 64L * 1024 * 1024)
        {
            errors.Add($"logs.batch_size (line {logs.Line}): at most 64MiB; Orleans messages over 100MiB break the link between silos");
        }

        return result;
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
        var type = output.String("type", null, "name");
        LogOutputType? kind = type?.ToLowerInvariant() switch
        {
            "embedded" => LogOutputType.Embedded,
            "null" => LogOutputType.Null,
            _ => null,
        };
        if (kind is null)
        {
            output.Error(type is null ? "missing key 'type' (expected embedded or null)" : $"unknown output type '{type}' (expected embedded or null)");
            return null;
        }

        var config = new LogOutputConfig
        {
            Type = kind.Value,
            RetentionDays = kind == LogOutputType.Embedded
                ? output.Int("retention_days", LogOutputConfig.DefaultRetentionDays, 1, 36500)
                : LogOutputConfig.DefaultRetentionDays,
        };
        output.RejectUnknownKeys();
        return config;
    }

    private static string DefaultNodeName() =>
        Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node ? node : Environment.MachineName;
}
