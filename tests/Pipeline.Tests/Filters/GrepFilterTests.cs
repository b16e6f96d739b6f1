using Pipeline.Grains.Processing;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class GrepFilterTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private ILogFilter Grep(string rules) => FilterYaml.Single($"""
        logs:
          filters:
            - type: grep
        {rules}
        """, _metrics);

    [Fact]
    public void Regex_keeps_records_whose_message_matches_and_drops_the_others()
    {
        var grep = Grep("""
                  regex: log ^a+b?$
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.Message("aaa")));
        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.Message("aab")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.Message("bbb")));
    }

    [Fact]
    public void Exclude_drops_matching_records()
    {
        var grep = Grep("""
                  exclude: log (?i)healthz
            """);

        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.Message("GET /HealthZ 200")));
        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.Message("GET /orders 200")));
    }

    [Fact]
    public void Legacy_needs_every_regex_to_match_and_drops_on_any_exclude()
    {
        var grep = Grep("""
                  regex: ["level ^(error|warn)$", "log timeout"]
                  exclude: ["log retry", "app ^canary$"]
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"error","app":"shop"}""", "db timeout")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"info","app":"shop"}""", "db timeout")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"error","app":"shop"}""", "db refused")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"warn","app":"shop"}""", "timeout, will retry")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"warn","app":"canary"}""", "timeout")));
    }

    [Fact]
    public void Logical_and_keeps_a_record_only_when_all_regex_rules_match()
    {
        var grep = Grep("""
                  logical_op: and
                  regex: ["level error", "log timeout"]
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"error"}""", "timeout")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"error"}""", "refused")));
    }

    [Fact]
    public void Logical_or_keeps_a_record_when_any_regex_rule_matches()
    {
        var grep = Grep("""
                  logical_op: OR
                  regex: ["level error", "log timeout"]
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"info"}""", "timeout")));
        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"error"}""", "ok")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"info"}""", "ok")));
    }

    [Fact]
    public void Logical_and_with_exclude_rules_drops_only_when_all_match()
    {
        var grep = Grep("""
                  logical_op: and
                  exclude: ["level debug", "app noisy"]
            """);

        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"debug","app":"noisy"}""")));
        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"debug","app":"shop"}""")));
    }

    [Fact]
    public void Logical_or_with_exclude_rules_drops_when_any_matches()
    {
        var grep = Grep("""
                  logical_op: or
                  exclude: ["level debug", "app noisy"]
            """);

        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.WithFields("""{"level":"info","app":"noisy"}""")));
        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.WithFields("""{"level":"info","app":"shop"}""")));
    }

    [Fact]
    public void A_missing_field_matches_no_rule()
    {
        var keep = Grep("""
                  regex: level .*
            """);
        var exclude = Grep("""
                  exclude: level .*
            """);
        var record = TestRecords.WithFields("""{"other":"x"}""");

        Assert.Equal(FilterVerdict.Drop, keep.Apply(record));
        Assert.Equal(FilterVerdict.Keep, exclude.Apply(record));
        Assert.Equal(FilterVerdict.Drop, keep.Apply(TestRecords.Message("no fields at all")));
    }

    [Fact]
    public void Nested_keys_are_read_dotted_or_with_a_record_accessor()
    {
        var dotted = Grep("""
                  regex: kubernetes.labels.app ^shop$
            """);
        var accessor = Grep("""
                  regex: $kubernetes['labels']['app.kubernetes.io/name'] ^cart$
            """);
        var record = TestRecords.WithFields("""{"kubernetes":{"labels":{"app":"shop","app.kubernetes.io/name":"cart"}}}""");

        Assert.Equal(FilterVerdict.Keep, dotted.Apply(record));
        Assert.Equal(FilterVerdict.Keep, accessor.Apply(record));
        Assert.Equal(FilterVerdict.Drop, accessor.Apply(TestRecords.WithFields("""{"kubernetes":{"labels":{"app":"shop"}}}""")));
    }

    [Fact]
    public void Kubernetes_metadata_and_stream_are_matched_like_fields()
    {
        var grep = Grep("""
                  regex: ["kubernetes.namespace_name ^shop$", "stream ^stderr$"]
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.Message("x", stream: Grains.Batching.LogStream.Stderr)));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.Message("x", stream: Grains.Batching.LogStream.Stdout)));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.Message("x", ns: "billing", stream: Grains.Batching.LogStream.Stderr)));
    }

    [Fact]
    public void Numbers_and_booleans_match_on_their_json_text_while_objects_never_match()
    {
        var status = Grep("""
                  regex: status ^5\d\d$
            """);
        var flag = Grep("""
                  regex: cached ^true$
            """);
        var anything = Grep("""
                  regex: request .*
            """);

        Assert.Equal(FilterVerdict.Keep, status.Apply(TestRecords.WithFields("""{"status":503}""")));
        Assert.Equal(FilterVerdict.Drop, status.Apply(TestRecords.WithFields("""{"status":200}""")));
        Assert.Equal(FilterVerdict.Keep, flag.Apply(TestRecords.WithFields("""{"cached":true}""")));
        Assert.Equal(FilterVerdict.Drop, anything.Apply(TestRecords.WithFields("""{"request":{"path":"/"}}""")));
        Assert.Equal(FilterVerdict.Drop, anything.Apply(TestRecords.WithFields("""{"request":null}""")));
    }

    [Fact]
    public void Matching_the_message_leaves_it_as_the_batch_bytes()
    {
        var grep = Grep("""
                  regex: log café
            """);
        var record = TestRecords.Message("un café s'il vous plaît");

        Assert.Equal(FilterVerdict.Keep, grep.Apply(record));
        Assert.True(record.TryGetOriginalLogUtf8(out _), "grep should not turn the message into a string");
    }

    [Fact]
    public void A_regex_may_hold_spaces_and_commas()
    {
        var grep = Grep("""
                  regex: log ^GET /a{1,2} HTTP
            """);

        Assert.Equal(FilterVerdict.Keep, grep.Apply(TestRecords.Message("GET /aa HTTP/1.1")));
        Assert.Equal(FilterVerdict.Drop, grep.Apply(TestRecords.Message("GET /aaa HTTP/1.1")));
    }

    [Fact]
    public void The_chain_counts_grep_drops_per_tenant_and_removes_them_from_the_batch()
    {
        var chain = FilterYaml.Chain("""
            logs:
              filters:
                - type: grep
                  exclude: log ^debug
            """, _metrics);
        var records = new List<LogEvent>
        {
            TestRecords.Message("debug a", tenant: "shop"),
            TestRecords.Message("info b", tenant: "shop"),
            TestRecords.Message("debug c", tenant: "billing"),
            TestRecords.Message("debug d", tenant: "shop"),
        };

        var dropped = chain.Apply(records);

        Assert.Equal(["info b"], records.Select(r => r.Log));
        Assert.Equal(3, dropped["grep"]);
        Assert.Equal(2, _metrics.Sum("pipeline_filter_dropped_records", ("filter", "grep"), ("tenant", "shop")));
        Assert.Equal(1, _metrics.Sum("pipeline_filter_dropped_records", ("filter", "grep"), ("tenant", "billing")));
    }
}
