using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Processing.Filters;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class FilterConfigReaderTests
{
    private static IReadOnlyList<string> Errors(string yaml) => Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml)).Errors;

    private static void AssertError(string yaml, string start, params string[] contains)
    {
        var errors = Errors(yaml);
        Assert.True(
            errors.Any(e => e.StartsWith(start, StringComparison.Ordinal) && contains.All(c => e.Contains(c, StringComparison.Ordinal))),
            $"expected an error starting with '{start}' containing [{string.Join(", ", contains)}], got:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void Every_filter_type_loads_in_order_and_multiline_is_kept_apart()
    {
        var logs = FilterYaml.Load("""
            logs:
              parsers:
                - name: access
                  format: regex
                  regex: ^(?<method>\S+) (?<path>\S+)$
              filters:
                - type: multiline
                  match: kube.*
                  parser: java
                - name: parser
                  parser: json
                - type: modify
                  set: {env: prod}
                - type: record_transformer
                  record: {host: "${hostname}"}
                - type: grep
                  exclude: level debug
                - type: throttle
                  namespaces: [shop]
                  rate: 100
                - type: log_to_metrics
                  metric_name: lines
                - type: parser
                  parser: access
            """);

        Assert.Equal(["parser", "modify", "record_transformer", "grep", "throttle", "log_to_metrics", "parser"], logs.Filters.Select(f => f.Type));
        var multiline = Assert.Single(logs.Multiline);
        Assert.Equal(MultilineMode.Java, multiline.Options.Mode);
        Assert.Equal("kube.*", multiline.Selector.Tag);
        Assert.Equal(["shop"], logs.Filters[4].Selector.Namespaces);
        Assert.Equal("access", Assert.Single(logs.Parsers).Name);
        Assert.Same(logs.Parsers[0], Assert.Single(((ParserFilterOptions)logs.Filters[6]).Parsers));
    }

    [Fact]
    public void An_unknown_filter_type_names_the_types_there_are()
    {
        AssertError("""
            logs:
              filters:
                - type: grok
            """, "logs.filters[0] (line 3): unknown filter type 'grok'", "grep, modify, record_transformer, parser, throttle, log_to_metrics, multiline");
        AssertError("""
            logs:
              filters:
                - match: "*"
            """, "logs.filters[0] (line 3): missing key 'type'");
    }

    [Fact]
    public void An_unknown_key_is_reported_with_its_path_and_line()
    {
        AssertError("""
            logs:
              filters:
                - type: modify
                  set: {a: b}
                  condition: Key_exists a
            """, "logs.filters[0].condition (line 5): unknown key 'condition'", "set", "hard_rename");
    }

    [Fact]
    public void An_invalid_regex_names_the_key_the_line_and_what_is_wrong()
    {
        AssertError("""
            logs:
              filters:
                - type: grep
                  regex:
                    - log ok
                    - log ^(unclosed
            """, "logs.filters[0].regex (line 6): invalid regular expression '^(unclosed'", "Not enough )");
    }

    [Fact]
    public void Invalid_regexes_are_caught_in_every_filter_that_takes_one()
    {
        var errors = Errors("""
            logs:
              parsers:
                - name: bad
                  format: regex
                  regex: (?<a>x
              filters:
                - type: modify
                  remove_regex: "[z-a]"
                - type: parser
                  format: regex
                  regex: "(?<n>*)"
                - type: multiline
                  start_state: "(?<"
                - type: log_to_metrics
                  metric_name: m
                  exclude: log +
            """);

        Assert.Contains(errors, e => e.StartsWith("logs.parsers[0].regex (line 5): invalid regular expression '(?<a>x'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[0].remove_regex (line 8): invalid regular expression '[z-a]'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[1].regex (line 11): invalid regular expression '(?<n>*)'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[2].start_state (line 13): invalid regular expression '(?<'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[3].exclude (line 16): invalid regular expression '+'", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_that_are_not_key_and_regex_and_bad_field_names_are_reported()
    {
        var errors = Errors("""
            logs:
              filters:
                - type: grep
                  regex: lonely
                - type: modify
                  rename: {"a..b": c}
                  remove: "$x['unclosed"
            """);

        Assert.Contains(errors, e => e.StartsWith("logs.filters[0].regex (line 4): 'lonely' is not \"KEY REGEX\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[1].rename (line 6): 'a..b' is not a field name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[1].remove (line 7): '$x['unclosed' is not a field name", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_placeholder_is_reported_where_it_is_written()
    {
        AssertError("""
            logs:
              filters:
                - type: modify
                  set:
                    ok: "${a}"
                    broken: "${kubernetes.labels.app"
            """, "logs.filters[0].set (line 6): bad placeholder in '${kubernetes.labels.app'", "no closing '}'");
    }

    [Fact]
    public void Logical_and_or_refuse_to_mix_regex_and_exclude_rules()
    {
        AssertError("""
            logs:
              filters:
                - type: grep
                  logical_op: and
                  regex: log a
                  exclude: log b
            """, "logs.filters[0].logical_op (line 4): logical_op and combines rules of one kind");
        AssertError("""
            logs:
              filters:
                - type: grep
                  logical_op: xor
                  regex: log a
            """, "logs.filters[0].logical_op (line 4): unknown logical_op 'xor'");
    }

    [Fact]
    public void Parser_mistakes_say_what_to_write()
    {
        var errors = Errors("""
            logs:
              parsers:
                - name: dup
                  format: json
                - name: dup
                  format: logfmt
                - name: nogroups
                  format: regex
                  regex: ^\w+$
              filters:
                - type: parser
                  parser: missing
                - type: parser
                  regex: ^(?<a>.*)$
                - type: parser
                  format: apache2
                - type: parser
                  format: json
                  time_key: t
                  time_format: "%Y-%Q"
            """);

        Assert.Contains(errors, e => e.StartsWith("logs.parsers[1] (line 5): parser 'dup' is already defined (line 3)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.parsers[2].regex (line 9): '^\\w+$' has no named group", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[0].parser (line 12): unknown parser 'missing'", StringComparison.Ordinal)
            && e.Contains("apache2", StringComparison.Ordinal) && e.Contains("dup", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[1].regex (line 14): 'regex' belongs to an inline parser: add 'format: regex'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[2].format (line 16): unknown format 'apache2'", StringComparison.Ordinal) && e.Contains("'parser:'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[3].time_format (line 20): time_format '%Y-%Q': unknown directive '%Q'", StringComparison.Ordinal));
    }

    [Fact]
    public void Throttle_reads_fluent_bit_rate_interval_and_window()
    {
        var logs = FilterYaml.Load("""
            logs:
              filters:
                - type: throttle
                  rate: 600
                  interval: 1m
                  window: 5
                - type: throttle
                  bytes_per_second: 1MiB
                  window: 30s
            """);

        var records = (ThrottleFilterOptions)logs.Filters[0];
        var bytes = (ThrottleFilterOptions)logs.Filters[1];
        Assert.Equal(10, records.RecordsPerSecond);
        Assert.Null(records.BytesPerSecond);
        Assert.Equal(TimeSpan.FromMinutes(5), records.Window);
        Assert.Equal(1024 * 1024, bytes.BytesPerSecond);
        Assert.Null(bytes.RecordsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(30), bytes.Window);
        AssertError("""
            logs:
              filters:
                - type: throttle
                  window: 5
            """, "logs.filters[0] (line 3): a throttle filter needs 'rate'");
    }

    [Fact]
    public void Log_to_metrics_builds_fluent_bit_names_and_checks_its_options()
    {
        var logs = FilterYaml.Load("""
            logs:
              filters:
                - type: log_to_metrics
                  metric_mode: histogram
                  metric_name: latency
                  metric_subsystem: http
                  value_field: ms
                  kubernetes_mode: true
                  add_label: app $kubernetes['labels']['app.kubernetes.io/name']
                  label_field: [code, "route=http.route", "app.version"]
                  bucket: [5, 50, 500]
                  tag: metrics.latency
            """);

        var options = (LogToMetricsFilterOptions)Assert.Single(logs.Filters);
        Assert.Equal("log_metric_http_latency", options.MetricName);
        Assert.Equal(LogMetricMode.Histogram, options.Mode);
        Assert.Equal(["namespace_name", "pod_name", "container_name", "docker_id", "pod_id", "app", "code", "route", "version"], options.Labels.Select(l => l.Name));
        Assert.Equal([5d, 50, 500], options.Buckets);

        var errors = Errors("""
            logs:
              filters:
                - type: log_to_metrics
                  metric_mode: gauge
                  metric_name: depth
                - type: log_to_metrics
                  metric_name: "9lives"
                  metric_namespace: ""
                  metric_subsystem: ""
                - type: log_to_metrics
                  metric_mode: histogram
                  metric_name: h
                  value_field: v
                  bucket: [1, 0.5]
                - type: log_to_metrics
                  metric_name: twice
                  label_field: [a.level, b.level]
                - type: log_to_metrics
                  metric_name: lines
                  label_field: level
                - type: log_to_metrics
                  metric_name: lines
                  label_field: pod
            """);
        Assert.Contains(errors, e => e.StartsWith("logs.filters[0] (line 3): metric_mode gauge needs 'value_field'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[1].metric_name (line 7): '9lives' is not a Prometheus metric name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[2].bucket (line 14): bucket 0.5 is not above the one before (1)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[3].label_field (line 17): label 'level' is given twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.filters[5] (line 21): metric 'log_metric_counter_lines' is already defined by logs.filters[4]", StringComparison.Ordinal));
    }

    [Fact]
    public void Multiline_reads_custom_patterns_and_limits()
    {
        var logs = FilterYaml.Load("""
            logs:
              filters:
                - type: multiline
                  namespaces: [shop]
                  start_state: ^\d{4}-\d{2}-\d{2}
                  cont_state: ^\s
                  flush_timeout: 2s
                  max_bytes: 64KiB
                  max_lines: 200
            """);

        Assert.Empty(logs.Filters);
        var multiline = Assert.Single(logs.Multiline);
        Assert.Equal(MultilineMode.Custom, multiline.Options.Mode);
        Assert.Equal(@"^\d{4}-\d{2}-\d{2}", multiline.Options.StartPattern);
        Assert.Equal(@"^\s", multiline.Options.ContinuePattern);
        Assert.Equal(TimeSpan.FromSeconds(2), multiline.Options.FlushTimeout);
        Assert.Equal(64 * 1024, multiline.Options.MaxBytes);
        Assert.Equal(200, multiline.Options.MaxLines);
        Assert.Equal(["shop"], multiline.Selector.Namespaces);

        AssertError("""
            logs:
              filters:
                - type: multiline
                  parser: java
                  start_state: ^x
            """, "logs.filters[0] (line 3): the java multiline parser has its own rules");
        AssertError("""
            logs:
              filters:
                - type: multiline
                  parser: ruby
            """, "logs.filters[0] (line 3): unknown multiline parser 'ruby' (expected java, python, go or custom)");
    }

    [Fact]
    public void Record_transformer_keep_keys_needs_renew_record()
    {
        AssertError("""
            logs:
              filters:
                - type: record_transformer
                  keep_keys: [a]
                  record: {b: c}
            """, "logs.filters[0].keep_keys (line 4): keep_keys only applies with renew_record: true");
    }

    [Fact]
    public void The_examples_of_docs_filters_md_load()
    {
        // Every example of docs/FILTERS.md in one file: the documentation stays true.
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "FILTERS.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(docs, "```yaml\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToList();
        var parsersBlock = blocks.Single(b => b.StartsWith("logs:", StringComparison.Ordinal));
        var filterItems = blocks.Where(b => b.StartsWith("- type:", StringComparison.Ordinal))
            .Select(b => string.Join('\n', b.TrimEnd().Split('\n').Select(line => "    " + line)));
        var yaml = parsersBlock.TrimEnd() + "\n" + string.Join('\n', filterItems) + "\n";

        var logs = FilterYaml.Load(yaml);

        Assert.Equal(blocks.Count, logs.Filters.Count + logs.Multiline.Count);
        Assert.Equal(["parser", "grep", "grep", "modify", "record_transformer", "throttle", "log_to_metrics"], logs.Filters.Select(f => f.Type));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Pipeline.sln not found above the test binaries");
    }
}
