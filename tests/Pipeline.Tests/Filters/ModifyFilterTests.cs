using Pipeline.Grains.Processing;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class ModifyFilterTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private ILogFilter Modify(string rules) => FilterYaml.Single($"""
        logs:
          filters:
            - type: modify
        {rules}
        """, _metrics);

    private static string Apply(ILogFilter filter, LogEvent record)
    {
        Assert.Equal(FilterVerdict.Keep, filter.Apply(record));
        return TestRecords.Members(record);
    }

    [Fact]
    public void Set_overwrites_and_add_writes_only_missing_keys()
    {
        var modify = Modify("""
                  set: {env: prod, level: info}
                  add: {team: shop, app: ignored}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"level":"debug","app":"cart"}"""));

        Assert.Equal("""{"log":"hello","level":"info","app":"cart","env":"prod","team":"shop"}""", result);
    }

    [Fact]
    public void Set_takes_values_from_other_fields_keeping_their_type()
    {
        var modify = Modify("""
                  set:
                    app: ${kubernetes.labels.app}
                    code: ${response.status}
                    summary: "${kubernetes.namespace_name}/${kubernetes.labels.app} answered ${response.status}"
                    missing: ${no.such.field}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"kubernetes":{"labels":{"app":"cart"}},"response":{"status":503}}"""));

        Assert.Equal("""{"log":"hello","response":{"status":503},"app":"cart","code":503,"summary":"shop/cart answered 503"}""", result);
    }

    [Fact]
    public void Set_and_add_create_nested_members()
    {
        var modify = Modify("""
                  set: {http.route: /orders}
                  add: {"$meta['owner team']": payments}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"http":{"method":"GET"}}"""));

        Assert.Equal("""{"log":"hello","http":{"method":"GET","route":"/orders"},"meta":{"owner team":"payments"}}""", result);
    }

    [Fact]
    public void Remove_takes_out_top_level_and_nested_keys()
    {
        var modify = Modify("""
                  remove: [pid, http.headers, absent]
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"pid":12,"http":{"method":"GET","headers":{"a":"b"}}}"""));

        Assert.Equal("""{"log":"hello","http":{"method":"GET"}}""", result);
    }

    [Fact]
    public void Remove_wildcard_treats_a_pattern_without_star_as_a_prefix()
    {
        var modify = Modify("""
                  remove_wildcard: [Mem, "*_id"]
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"Mem.total":1,"Mem.free":2,"Swap.total":3,"trace_id":"t","span_id":"s","idle":true}"""));

        Assert.Equal("""{"log":"hello","Swap.total":3,"idle":true}""", result);
    }

    [Fact]
    public void Remove_regex_removes_top_level_keys_matching_it_but_never_time_or_stream()
    {
        var modify = Modify("""
                  remove_regex: ^(x-|@|stream$|log$)
            """);
        var record = TestRecords.WithFields("""{"x-request-id":"1","x-b3":"2","keep":"y"}""");

        var result = Apply(modify, record);

        Assert.Equal("""{"keep":"y"}""", result);
        Assert.Equal("stdout", TestRecords.Document(record)["stream"]!.GetValue<string>());
        Assert.True(TestRecords.Document(record).ContainsKey("@timestamp"));
    }

    [Fact]
    public void Rename_moves_a_value_only_when_the_target_is_missing()
    {
        var modify = Modify("""
                  rename: {msg: message, lvl: level, absent: other}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"msg":"m","lvl":"warn","level":"info"}"""));

        Assert.Equal("""{"log":"hello","lvl":"warn","level":"info","message":"m"}""", result);
    }

    [Fact]
    public void Hard_rename_replaces_the_target()
    {
        var modify = Modify("""
                  hard_rename: {lvl: level}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"lvl":"warn","level":"info"}"""));

        Assert.Equal("""{"log":"hello","level":"warn"}""", result);
    }

    [Fact]
    public void Rename_moves_the_message_and_nested_objects()
    {
        var modify = Modify("""
                  rename: {log: message, http.request: request}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"http":{"request":{"path":"/"},"code":200}}""", log: "GET /"));

        Assert.Equal("""{"http":{"code":200},"message":"GET /","request":{"path":"/"}}""", result);
    }

    [Fact]
    public void Copy_writes_an_independent_copy_only_when_the_target_is_missing()
    {
        var modify = Modify("""
                  copy: {request: original, level: severity}
                  set: {request.path: /changed}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"request":{"path":"/"},"level":"info","severity":"keep"}"""));

        Assert.Equal("""{"log":"hello","request":{"path":"/changed"},"level":"info","severity":"keep","original":{"path":"/"}}""", result);
    }

    [Fact]
    public void Hard_copy_replaces_the_target()
    {
        var modify = Modify("""
                  hard_copy: {level: severity, kubernetes.pod_name: pod}
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"level":"info","severity":"old"}"""));

        Assert.Equal("""{"log":"hello","level":"info","severity":"info","pod":"web-1"}""", result);
    }

    [Fact]
    public void Rules_apply_in_the_order_they_are_written_each_on_the_result_of_the_one_before()
    {
        var renameFirst = Modify("""
                  rename: {a: b}
                  set: {b: set}
            """);
        var setFirst = Modify("""
                  set: {b: set}
                  rename: {a: b}
            """);

        Assert.Equal("""{"log":"hello","b":"set"}""", Apply(renameFirst, TestRecords.WithFields("""{"a":"moved"}""")));
        Assert.Equal("""{"log":"hello","a":"moved","b":"set"}""", Apply(setFirst, TestRecords.WithFields("""{"a":"moved"}""")));
    }

    [Fact]
    public void Fluent_bit_key_value_strings_are_accepted_for_pair_rules()
    {
        var modify = Modify("""
                  add: ["Service1 SOMEVALUE", "Service3 SOME VALUE"]
                  rename: Mem.free MEMFREE
            """);

        var result = Apply(modify, TestRecords.WithFields("""{"Mem":{"free":5}}"""));

        Assert.Equal("""{"log":"hello","Mem":{},"Service1":"SOMEVALUE","Service3":"SOME VALUE","MEMFREE":5}""", result);
    }

    [Fact]
    public void Renaming_onto_the_timestamp_with_a_non_time_leaves_the_record_unchanged()
    {
        var modify = Modify("""
                  hard_rename: {when: "@timestamp"}
            """);
        var record = TestRecords.WithFields("""{"when":"yesterday"}""");

        var result = Apply(modify, record);

        Assert.Equal("""{"log":"hello","when":"yesterday"}""", result);
        Assert.Equal(TestRecords.Time, record.TimeUnixNanos);
    }

    [Fact]
    public void Setting_the_timestamp_from_a_field_changes_the_record_time()
    {
        var modify = Modify("""
                  set: {"@timestamp": "${ts}"}
            """);
        var record = TestRecords.WithFields("""{"ts":"2026-01-02T03:04:05Z"}""");

        Apply(modify, record);

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000, record.TimeUnixNanos);
    }

    [Fact]
    public void A_selector_limits_the_filter_to_matching_records()
    {
        var modify = FilterYaml.Single("""
            logs:
              filters:
                - type: modify
                  match: kube.var.log.containers.web-*
                  namespaces: [shop, "pay*"]
                  labels: {app.kubernetes.io/name: cart}
                  set: {selected: "yes"}
            """, _metrics);
        var labels = """{"kubernetes":{"labels":{"app.kubernetes.io/name":"cart"}}}""";

        var selected = TestRecords.WithFields(labels, ns: "payments");
        var otherNamespace = TestRecords.WithFields(labels, ns: "billing");
        var otherLabels = TestRecords.WithFields("""{"kubernetes":{"labels":{"app.kubernetes.io/name":"web"}}}""");
        var otherPod = TestRecords.Message("x", pod: "db-0");
        otherPod.Fields = System.Text.Json.Nodes.JsonNode.Parse(labels)!.AsObject();
        foreach (var record in new[] { selected, otherNamespace, otherLabels, otherPod })
        {
            modify.Run(record);
        }

        Assert.Equal("yes", selected.GetString(FieldPath.Parse("selected")));
        Assert.Null(otherNamespace.GetString(FieldPath.Parse("selected")));
        Assert.Null(otherLabels.GetString(FieldPath.Parse("selected")));
        Assert.Null(otherPod.GetString(FieldPath.Parse("selected")));
    }
}
