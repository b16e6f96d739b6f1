using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// Reads <c>logs.parsers</c> and <c>logs.filters</c> (fluent-bit / fluentd vocabulary) into
/// validated options: every regular expression compiled, every field name and placeholder checked,
/// each error naming its key path and line.
/// </summary>
internal static class FilterConfigReader
{
    public const string Multiline = "multiline";

    private static readonly string[] FilterTypes =
    [
        GrepFilterOptions.TypeName, ModifyFilterOptions.TypeName, RecordTransformerFilterOptions.TypeName, ParserFilterOptions.TypeName,
        ThrottleFilterOptions.TypeName, LogToMetricsFilterOptions.TypeName, Multiline,
    ];

    private static readonly (string Key, ModifyOperation Operation)[] ModifyKeys =
    [
        ("set", ModifyOperation.Set), ("add", ModifyOperation.Add), ("remove", ModifyOperation.Remove),
        ("remove_wildcard", ModifyOperation.RemoveWildcard), ("remove_regex", ModifyOperation.RemoveRegex),
        ("rename", ModifyOperation.Rename), ("hard_rename", ModifyOperation.HardRename),
        ("copy", ModifyOperation.Copy), ("hard_copy", ModifyOperation.HardCopy),
    ];

    private static readonly Regex MetricName = new("^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant);

    public sealed record Result(List<ParserDefinition> Parsers, List<LogFilterOptions> Filters, List<MultilineConfig> Multiline);

    public static Result Read(ConfigNode logs)
    {
        var parsers = ParserConfigReader.ReadParsers(logs.Sections("parsers"));
        var named = new Dictionary<string, ParserDefinition>(StringComparer.Ordinal);
        foreach (var name in BuiltInParsers.Names)
        {
            BuiltInParsers.TryGet(name, out var builtIn);
            named[name] = builtIn;
        }

        foreach (var parser in parsers)
        {
            named[parser.Name] = parser;
        }

        var filters = new List<LogFilterOptions>();
        var multiline = new List<MultilineConfig>();
        var metrics = new Dictionary<string, (LogToMetricsFilterOptions Options, string Path)>(StringComparer.Ordinal);
        foreach (var node in logs.Sections("filters"))
        {
            var type = node.String("type", null, "name")?.Trim().ToLowerInvariant();
            var selector = ReadSelector(node);
            object? filter = type switch
            {
                null => null,
                GrepFilterOptions.TypeName => ReadGrep(node, selector),
                ModifyFilterOptions.TypeName => ReadModify(node, selector),
                RecordTransformerFilterOptions.TypeName => ReadRecordTransformer(node, selector),
                ParserFilterOptions.TypeName => ParserConfigReader.ReadFilter(node, selector, named),
                ThrottleFilterOptions.TypeName => ReadThrottle(node, selector),
                LogToMetricsFilterOptions.TypeName => ReadLogToMetrics(node, selector),
                Multiline => ReadMultiline(node, selector),
                _ => null,
            };
            if (type is null || !FilterTypes.Contains(type))
            {
                node.Error(type is null
                    ? $"missing key 'type' (expected one of {string.Join(", ", FilterTypes)})"
                    : $"unknown filter type '{type}' (expected one of {string.Join(", ", FilterTypes)})");
                continue;
            }

            node.RejectUnknownKeys();
            switch (filter)
            {
                case MultilineConfig m:
                    multiline.Add(m);
                    break;
                case LogToMetricsFilterOptions m when metrics.TryGetValue(m.MetricName, out var first) && !first.Options.DescribesSameMetric(m):
                    node.Error($"metric '{m.MetricName}' is already defined by {first.Path} with another mode, labels or buckets; give this one another metric_name");
                    break;
                case LogFilterOptions options:
                    if (options is LogToMetricsFilterOptions toMetrics)
                    {
                        metrics.TryAdd(toMetrics.MetricName, (toMetrics, node.Path));
                    }

                    filters.Add(options);
                    break;
            }
        }

        return new Result(parsers, filters, multiline);
    }

    private static FilterSelector ReadSelector(ConfigNode node)
    {
        var tag = node.String("match");
        var namespaces = node.StringList("namespaces", "namespace");
        var labels = node.StringMap("labels");
        if (tag is null && namespaces.Count == 0 && labels.Count == 0)
        {
            return FilterSelector.All;
        }

        var labelMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            labelMap[name] = value;
        }

        return new FilterSelector { Tag = tag, Namespaces = namespaces, Labels = labelMap };
    }

    /// <summary>A field name, or null with an error naming the key and line.</summary>
    internal static FieldPath? Path(ConfigNode node, string key, string text, int? line = null)
    {
        if (FieldPath.TryParse(text, out var path, out var error))
        {
            return path;
        }

        Report(node, key, line, $"'{text}' is not a field name: {error}");
        return null;
    }

    /// <summary>A compiled regular expression, or null with an error naming the key, line and what the engine found wrong.</summary>
    internal static Regex? Regex(ConfigNode node, string key, int? line, string pattern)
    {
        if (FilterRegex.TryCreate(pattern, out var regex, out var error))
        {
            return regex;
        }

        Report(node, key, line, $"invalid regular expression '{pattern}': {error}");
        return null;
    }

    private static void Report(ConfigNode node, string key, int? line, string message)
    {
        if (line is { } at)
        {
            node.Error(key, at, message);
        }
        else
        {
            node.ValueError(key, message);
        }
    }

    private static GrepFilterOptions? ReadGrep(ConfigNode node, FilterSelector selector)
    {
        var rules = ReadGrepRules(node, out var logicalOperator);
        if (rules is null)
        {
            return null;
        }

        if (rules.Rules.Count == 0)
        {
            node.Error("a grep filter needs 'regex' or 'exclude' rules (\"KEY REGEX\", e.g. \"log error\")");
            return null;
        }

        return new GrepFilterOptions { Selector = selector, Rules = rules };
    }

    /// <summary><c>regex</c>, <c>exclude</c> and (when <paramref name="logicalOperator"/> is asked for) <c>logical_op</c>; rules keep file order.</summary>
    private static GrepRuleSet? ReadGrepRules(ConfigNode node, out GrepLogicalOperator logicalOperator, bool readLogicalOperator = true)
    {
        logicalOperator = GrepLogicalOperator.Legacy;
        var opText = readLogicalOperator ? node.String("logical_op") : null;
        if (opText is not null)
        {
            switch (opText.Trim().ToLowerInvariant())
            {
                case "legacy":
                    break;
                case "and":
                    logicalOperator = GrepLogicalOperator.And;
                    break;
                case "or":
                    logicalOperator = GrepLogicalOperator.Or;
                    break;
                default:
                    node.ValueError("logical_op", $"unknown logical_op '{opText}' (expected legacy, and or or)");
                    break;
            }
        }

        var entries = new List<(int Line, int Order, GrepRule? Rule)>();
        var ok = true;
        foreach (var (key, exclude) in (ReadOnlySpan<(string, bool)>)[("regex", false), ("exclude", true)])
        {
            foreach (var (text, line) in node.ScalarItems(key, splitCommas: false))
            {
                if (!GrepRule.TrySplit(text, out var fieldText, out var pattern))
                {
                    node.Error(key, line, $"'{text}' is not \"KEY REGEX\" (a field name, a space, then the regular expression)");
                    ok = false;
                    continue;
                }

                var field = Path(node, key, fieldText, line);
                var regex = Regex(node, key, line, pattern);
                if (field is null || regex is null)
                {
                    ok = false;
                    continue;
                }

                entries.Add((line, entries.Count, new GrepRule(field, regex, exclude)));
            }
        }

        var rules = entries.OrderBy(e => e.Line).ThenBy(e => e.Order).Select(e => e.Rule!).ToList();
        if (logicalOperator != GrepLogicalOperator.Legacy && rules.Any(r => r.Exclude) && rules.Any(r => !r.Exclude))
        {
            node.ValueError("logical_op", $"logical_op {opText} combines rules of one kind: use only 'regex' or only 'exclude' rules (or logical_op legacy)");
            ok = false;
        }

        return ok ? new GrepRuleSet(rules, logicalOperator) : null;
    }

    private static ModifyFilterOptions? ReadModify(ConfigNode node, FilterSelector selector)
    {
        foreach (var (key, _) in ModifyKeys)
        {
            node.Has(key);
        }

        // fluent-bit applies rules in the order they are written: keys in file order, then their entries.
        var rules = new List<ModifyRule>();
        var ok = true;
        foreach (var name in node.KeysInOrder())
        {
            var index = Array.FindIndex(ModifyKeys, k => string.Equals(k.Key, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                continue;
            }

            var (key, operation) = ModifyKeys[index];
            switch (operation)
            {
                case ModifyOperation.Set or ModifyOperation.Add:
                    foreach (var (field, value, line) in node.Pairs(key))
                    {
                        var path = Path(node, key, field, line);
                        var template = Template(node, key, line, value);
                        ok &= path is not null && template is not null;
                        if (path is not null && template is not null)
                        {
                            rules.Add(new ModifyRule { Operation = operation, Key = path, Value = template });
                        }
                    }

                    break;
                case ModifyOperation.Remove:
                    foreach (var (field, line) in node.ScalarItems(key, splitCommas: true))
                    {
                        var path = Path(node, key, field, line);
                        ok &= path is not null;
                        if (path is not null)
                        {
                            rules.Add(new ModifyRule { Operation = operation, Key = path });
                        }
                    }

                    break;
                case ModifyOperation.RemoveWildcard:
                    foreach (var (pattern, _) in node.ScalarItems(key, splitCommas: true))
                    {
                        rules.Add(new ModifyRule { Operation = operation, Wildcard = pattern });
                    }

                    break;
                case ModifyOperation.RemoveRegex:
                    foreach (var (pattern, line) in node.ScalarItems(key, splitCommas: false))
                    {
                        var regex = Regex(node, key, line, pattern);
                        ok &= regex is not null;
                        if (regex is not null)
                        {
                            rules.Add(new ModifyRule { Operation = operation, Regex = regex });
                        }
                    }

                    break;
                default:
                    foreach (var (from, to, line) in node.Pairs(key))
                    {
                        var source = Path(node, key, from, line);
                        var target = Path(node, key, to, line);
                        ok &= source is not null && target is not null;
                        if (source is not null && target is not null)
                        {
                            rules.Add(new ModifyRule { Operation = operation, Key = source, Target = target });
                        }
                    }

                    break;
            }
        }

        if (ok && rules.Count == 0)
        {
            node.Error($"a modify filter needs at least one rule ({string.Join(", ", ModifyKeys.Select(k => k.Key))})");
        }

        return ok && rules.Count > 0 ? new ModifyFilterOptions { Selector = selector, Rules = rules } : null;
    }

    private static RecordTemplate? Template(ConfigNode node, string key, int line, string text)
    {
        if (RecordTemplate.TryParse(text, out var template, out var error))
        {
            return template;
        }

        node.Error(key, line, $"bad placeholder in {error}");
        return null;
    }

    private static RecordTransformerFilterOptions? ReadRecordTransformer(ConfigNode node, FilterSelector selector)
    {
        var ok = true;
        var record = new List<KeyValuePair<FieldPath, RecordTemplate>>();
        foreach (var (field, value, line) in node.Pairs("record"))
        {
            var path = Path(node, "record", field, line);
            var template = Template(node, "record", line, value);
            ok &= path is not null && template is not null;
            if (path is not null && template is not null)
            {
                record.Add(new(path, template));
            }
        }

        var removeKeys = ReadPaths(node, "remove_keys", ref ok);
        var keepKeys = ReadPaths(node, "keep_keys", ref ok);
        var renew = node.Bool("renew_record", false);
        if (keepKeys.Count > 0 && !renew)
        {
            node.ValueError("keep_keys", "keep_keys only applies with renew_record: true (otherwise every key is kept)");
            ok = false;
        }

        if (ok && record.Count == 0 && removeKeys.Count == 0 && !renew)
        {
            node.Error("a record_transformer filter needs 'record', 'remove_keys' or 'renew_record'");
            ok = false;
        }

        return ok ? new RecordTransformerFilterOptions { Selector = selector, Record = record, RemoveKeys = removeKeys, KeepKeys = keepKeys, RenewRecord = renew } : null;
    }

    private static List<FieldPath> ReadPaths(ConfigNode node, string key, ref bool ok)
    {
        var result = new List<FieldPath>();
        foreach (var (text, line) in node.ScalarItems(key, splitCommas: true))
        {
            if (Path(node, key, text, line) is { } path)
            {
                result.Add(path);
            }
            else
            {
                ok = false;
            }
        }

        return result;
    }

    private static ThrottleFilterOptions? ReadThrottle(ConfigNode node, FilterSelector selector)
    {
        var hasRate = node.Has("rate");
        var rate = node.Double("rate", 0, 0, double.MaxValue);
        var hasBytes = node.Has("bytes_per_second");
        var bytes = node.Size("bytes_per_second", 0, 1);
        var interval = node.Duration("interval", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
        var windowText = node.String("window");
        var window = interval * 5;
        if (windowText is not null)
        {
            // fluent-bit counts the window in intervals; a duration (10s, 1m) is read as such.
            if (int.TryParse(windowText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var intervals) && intervals >= 1)
            {
                window = interval * intervals;
            }
            else if (ConfigValues.TryParseDuration(windowText, out var duration) && duration >= TimeSpan.FromMilliseconds(1))
            {
                window = duration;
            }
            else
            {
                node.ValueError("window", $"'{windowText}' is neither a number of intervals nor a duration (write it like 5 or 10s)");
            }
        }

        if (hasRate && rate <= 0)
        {
            node.ValueError("rate", "rate must be above 0 (records per interval)");
            return null;
        }

        if (!hasRate && !hasBytes)
        {
            node.Error("a throttle filter needs 'rate' (records per interval) and/or 'bytes_per_second'");
            return null;
        }

        return new ThrottleFilterOptions
        {
            Selector = selector,
            RecordsPerSecond = hasRate ? rate / interval.TotalSeconds : null,
            BytesPerSecond = hasBytes && bytes > 0 ? bytes : null,
            Window = window,
        };
    }

    private static LogToMetricsFilterOptions? ReadLogToMetrics(ConfigNode node, FilterSelector selector)
    {
        var ok = true;
        var name = node.String("metric_name");
        var modeText = node.String("metric_mode") ?? "counter";
        var description = node.String("metric_description") ?? "";
        var ns = node.String("metric_namespace") ?? LogToMetricsFilterOptions.DefaultNamespace;
        var subsystemText = node.String("metric_subsystem");
        var valueText = node.String("value_field");
        var kubernetesMode = node.Bool("kubernetes_mode", false);
        var discard = node.Bool("discard_logs", false);
        var maxSeries = node.Int("max_series", LogToMetricsFilterOptions.DefaultMaxSeries, 1, 1_000_000);

        // Accepted so fluent-bit files load; metrics go straight to the meter, there is no emitter to tune.
        foreach (var ignored in (ReadOnlySpan<string>)["tag", "emitter_name", "emitter_mem_buf_limit", "flush_interval_sec", "flush_interval_nsec"])
        {
            node.Has(ignored);
        }

        LogMetricMode? mode = modeText.Trim().ToLowerInvariant() switch
        {
            "counter" => LogMetricMode.Counter,
            "gauge" => LogMetricMode.Gauge,
            "histogram" => LogMetricMode.Histogram,
            _ => null,
        };
        if (mode is null)
        {
            node.ValueError("metric_mode", $"unknown metric_mode '{modeText}' (expected counter, gauge or histogram)");
            ok = false;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            node.Error("a log_to_metrics filter needs 'metric_name'");
            ok = false;
        }

        var subsystem = subsystemText ?? modeText.Trim().ToLowerInvariant();
        var fullName = string.Join('_', new[] { ns, subsystem, name ?? "" }.Where(p => p.Length > 0));
        if (ok && !MetricName.IsMatch(fullName))
        {
            node.ValueError("metric_name", $"'{fullName}' is not a Prometheus metric name (letters, digits, '_' and ':', not starting with a digit)");
            ok = false;
        }

        FieldPath? valueField = null;
        if (mode is LogMetricMode.Gauge or LogMetricMode.Histogram)
        {
            if (valueText is null)
            {
                node.Error($"metric_mode {modeText} needs 'value_field' (the field holding the number)");
                ok = false;
            }
            else
            {
                valueField = Path(node, "value_field", valueText);
                ok &= valueField is not null;
            }
        }

        var labels = ReadLabels(node, kubernetesMode, ref ok);
        var buckets = ReadBuckets(node, mode, ref ok);
        var rules = ReadGrepRules(node, out _, readLogicalOperator: false);
        ok &= rules is not null;
        if (!ok)
        {
            return null;
        }

        return new LogToMetricsFilterOptions
        {
            Selector = selector,
            MetricName = fullName,
            Mode = mode!.Value,
            Description = description,
            Labels = labels,
            ValueField = valueField,
            Buckets = buckets ?? LogToMetricsFilterOptions.DefaultBuckets,
            Rules = rules!,
            DiscardLogs = discard,
            MaxSeries = maxSeries,
        };
    }

    private static List<LogMetricLabel> ReadLabels(ConfigNode node, bool kubernetesMode, ref bool ok)
    {
        var labels = new List<LogMetricLabel>();
        if (kubernetesMode)
        {
            // fluent-bit's kubernetes_mode labels, in its order.
            foreach (var member in (ReadOnlySpan<string>)["namespace_name", "pod_name", "container_name", "docker_id", "pod_id"])
            {
                labels.Add(new LogMetricLabel(member, FieldPath.Parse($"{LogEventFields.KubernetesMember}.{member}")));
            }
        }

        foreach (var (label, field, line) in node.Pairs("add_label"))
        {
            if (Path(node, "add_label", field, line) is { } path)
            {
                ok &= AddLabel(node, "add_label", line, labels, LabelName(label), path);
            }
            else
            {
                ok = false;
            }
        }

        foreach (var (text, line) in node.ScalarItems("label_field", splitCommas: true))
        {
            // "name=path" names the label; otherwise the label is the field's last member name.
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var fieldText = equals > 0 ? text[(equals + 1)..].Trim() : text;
            if (Path(node, "label_field", fieldText, line) is { } path)
            {
                var label = equals > 0 ? text[..equals].Trim() : path.Segments[^1];
                ok &= AddLabel(node, "label_field", line, labels, LabelName(label), path);
            }
            else
            {
                ok = false;
            }
        }

        return labels;
    }

    private static bool AddLabel(ConfigNode node, string key, int line, List<LogMetricLabel> labels, string name, FieldPath path)
    {
        if (labels.Any(l => l.Name == name))
        {
            node.Error(key, line, $"label '{name}' is given twice; name one of them with \"name=field\"");
            return false;
        }

        labels.Add(new LogMetricLabel(name, path));
        return true;
    }

    /// <summary>A Prometheus label name: characters other than letters, digits and '_' become '_'.</summary>
    private static string LabelName(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var name = new string(chars);
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "_" + name : name;
    }

    private static List<double>? ReadBuckets(ConfigNode node, LogMetricMode? mode, ref bool ok)
    {
        var items = node.ScalarItems("bucket", splitCommas: true, "buckets");
        if (items.Count == 0)
        {
            return null;
        }

        if (mode != LogMetricMode.Histogram)
        {
            node.ValueError("bucket", "buckets are only used by metric_mode histogram");
            ok = false;
            return null;
        }

        var buckets = new List<double>();
        foreach (var (text, line) in items)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) || !double.IsFinite(bound))
            {
                node.Error("bucket", line, $"'{text}' is not a number");
                ok = false;
            }
            else if (buckets.Count > 0 && bound <= buckets[^1])
            {
                node.Error("bucket", line, $"bucket {text} is not above the one before ({buckets[^1].ToString(CultureInfo.InvariantCulture)}): give bounds in ascending order");
                ok = false;
            }
            else
            {
                buckets.Add(bound);
            }
        }

        return buckets;
    }

    private static MultilineConfig? ReadMultiline(ConfigNode node, FilterSelector selector)
    {
        var modeText = node.String("parser", null, "multiline.parser", "mode");
        var start = node.String("start_state", null, "first_line");
        var continuation = node.String("cont_state", null, "continue");
        var flush = node.Duration("flush_timeout", MultilineOptions.DefaultFlushTimeout, TimeSpan.FromMilliseconds(1));
        var maxBytes = node.Size("max_bytes", MultilineOptions.DefaultMaxBytes, 1024);
        var maxLines = node.Int("max_lines", MultilineOptions.DefaultMaxLines, 1, 1_000_000);
        var ok = true;

        MultilineMode? mode = (modeText?.Trim().ToLowerInvariant() ?? (start is not null ? "custom" : null)) switch
        {
            "java" => MultilineMode.Java,
            "python" => MultilineMode.Python,
            "go" => MultilineMode.Go,
            "custom" => MultilineMode.Custom,
            _ => null,
        };
        if (mode is null)
        {
            node.Error(modeText is null
                ? "a multiline filter needs 'parser' (java, python, go) or 'start_state' (a regex for a record's first line)"
                : $"unknown multiline parser '{modeText}' (expected java, python, go or custom)");
            ok = false;
        }
        else if (mode == MultilineMode.Custom && start is null)
        {
            node.Error("a custom multiline parser needs 'start_state' (a regex matching a record's first line)");
            ok = false;
        }
        else if (mode != MultilineMode.Custom && (start is not null || continuation is not null))
        {
            node.Error($"the {modeText} multiline parser has its own rules: start_state and cont_state go with parser: custom");
            ok = false;
        }

        if (start is not null && Regex(node, "start_state", null, start) is null)
        {
            ok = false;
        }

        if (continuation is not null && Regex(node, "cont_state", null, continuation) is null)
        {
            ok = false;
        }

        if (maxBytes > int.MaxValue)
        {
            node.ValueError("max_bytes", "at most 2GiB");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return new MultilineConfig
        {
            Selector = selector,
            Options = new MultilineOptions
            {
                Mode = mode!.Value,
                StartPattern = start,
                ContinuePattern = continuation,
                FlushTimeout = flush,
                MaxBytes = (int)maxBytes,
                MaxLines = maxLines,
            },
        };
    }
}
