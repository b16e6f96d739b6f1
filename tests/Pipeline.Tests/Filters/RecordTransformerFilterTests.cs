using Pipeline.Grains.Processing;
using Pipeline.Grains.Store.Embedded;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class RecordTransformerFilterTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private ILogFilter Transformer(string keys) => FilterYaml.Single($"""
        logs:
          filters:
            - type: record_transformer
        {keys}
        """, _metrics);

    [Fact]
    public void Record_values_take_fluentd_placeholders()
    {
        var transformer = Transformer("""
                  record:
                    app: ${record["kubernetes"]["labels"]["app"]}
                    source: "${tag_parts[0]}:${tag_parts[-1]}"
                    host: ${hostname}
                    tenant: ${tenant}
                    seen: ${time}
                    literal: "$${not a placeholder}"
            """);
        var record = TestRecords.WithFields("""{"kubernetes":{"labels":{"app":"cart"}}}""");

        transformer.Apply(record);

        var document = TestRecords.Document(record);
        Assert.Equal("cart", document["app"]!.GetValue<string>());
        Assert.Equal("kube:log", document["source"]!.GetValue<string>());
        Assert.Equal(Environment.MachineName, document["host"]!.GetValue<string>());
        Assert.Equal("shop", document["tenant"]!.GetValue<string>());
        Assert.Equal(StoreTimestamp.Format(TestRecords.Time), document["seen"]!.GetValue<string>());
        Assert.Equal("${not a placeholder}", document["literal"]!.GetValue<string>());
    }

    [Fact]
    public void The_tag_placeholder_is_the_fluent_bit_tag_of_the_file()
    {
        var transformer = Transformer("""
                  record: {tag: "${tag}"}
            """);
        var record = TestRecords.Message("x");

        transformer.Apply(record);

        Assert.Equal("kube.var.log.containers.web-1_shop_main-0123456789ab.log", record.GetString(FieldPath.Parse("tag")));
    }

    [Fact]
    public void Every_value_is_computed_from_the_incoming_record_before_any_is_written()
    {
        var transformer = Transformer("""
                  record: {a: "${b}", b: "${a}"}
            """);

        var record = TestRecords.WithFields("""{"a":1,"b":2}""");
        transformer.Apply(record);

        Assert.Equal("""{"log":"hello","a":2,"b":1}""", TestRecords.Members(record));
    }

    [Fact]
    public void Remove_keys_apply_after_the_record_is_written()
    {
        var transformer = Transformer("""
                  record: {user: "${session.user}"}
                  remove_keys: session, $http['headers']
            """);

        var record = TestRecords.WithFields("""{"session":{"user":"ann","token":"t"},"http":{"code":200,"headers":{}}}""");
        transformer.Apply(record);

        Assert.Equal("""{"log":"hello","http":{"code":200},"user":"ann"}""", TestRecords.Members(record));
    }

    [Fact]
    public void Renew_record_keeps_only_the_pipeline_metadata_and_keep_keys()
    {
        var transformer = Transformer("""
                  renew_record: true
                  keep_keys: [level, http.code]
                  record: {summary: "${level}: ${log}"}
            """);
        var record = TestRecords.WithFields("""{"level":"warn","http":{"code":503,"path":"/"},"other":1,"kubernetes":{"labels":{"app":"cart"}}}""", log: "slow");

        transformer.Apply(record);

        Assert.Equal("""{"level":"warn","http":{"code":503},"summary":"warn: slow"}""", TestRecords.Members(record));
        Assert.Equal("cart", record.GetString(FieldPath.Parse("kubernetes.labels.app")));
        Assert.Equal("web-1", record.PodName);
    }
}
