using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchStandInHttp;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Index templates are validated as Elasticsearch validates them and applied when an index is
/// created; Elasticsearch's built-in <c>logs</c> template turns <c>logs-*-*</c> into data streams.
/// </summary>
public sealed class ElasticsearchStandInTemplateTests : ElasticsearchStandInTestBase
{
    /// <summary>The template the output installs, exactly as it sends it.</summary>
    private static readonly string PipelineTemplateV2 = System.Text.Encoding.UTF8.GetString(Pipeline.Grains.Outputs.Elasticsearch.ElasticsearchIndexTemplate.Body("kubernetes_cluster"));

    private const string Record = """
        {"@timestamp":"2026-11-25T10:00:00.123456789Z","log":"java.lang.NullPointerException at x","log.level":"error","app":"web","app.version":"1.2","stream":"stdout","kubernetes":{"pod_name":"p","namespace_name":"n","labels":{"app":"web","app.kubernetes.io/name":"web"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{...}"}},"tenant":"t"}
        """;

    [Fact]
    public async Task The_pipeline_template_v2_is_accepted_and_its_records_are_searchable_field_by_field()
    {
        await Http.PutTemplateAsync("kubernetes_cluster", PipelineTemplateV2);

        var item = await Http.CreateAsync("kubernetes_cluster-2026.11.25", "f1-0", Record);

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        const string Index = "kubernetes_cluster-*";
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"match":{"log":"nullpointerexception"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"match":{"log.level":"error"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"term":{"kubernetes.labels.app.kubernetes.io/name":"web"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"term":{"kubernetes.labels.app":"web"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"term":{"app.version":"1.2"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"exists":{"field":"kubernetes.annotations.kubectl.kubernetes.io/last-applied-configuration"}}"""));
        Assert.Equal(["f1-0"], await Http.IdsAsync(Index, """{"range":{"@timestamp":{"gte":"2026-11-25T10:00:00.123456789Z"}}}"""));
        var mapping = Es.IndexMapping("kubernetes_cluster-2026.11.25");
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, mapping.TypeOf("log.level"));
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, mapping.TypeOf("app"));
        Assert.Equal(ElasticsearchStandInFieldType.Flattened, mapping.TypeOf("kubernetes.labels"));
        Assert.Equal(1000, Es.Index("kubernetes_cluster-2026.11.25").Settings.TotalFieldsLimit);
    }

    [Fact]
    public async Task The_built_in_logs_template_makes_logs_indices_data_streams_unless_a_higher_priority_template_matches()
    {
        Assert.Contains("logs", Es.BuiltInTemplates.Keys);
        await Http.PutTemplateAsync("pipeline-logs", """{"index_patterns":["logs-pipeline-*"],"priority":218}""");

        var plain = await Http.CreateAsync("logs-pipeline-default", "1", """{"message":"x"}""");
        var stream = await Http.CreateAsync("logs-app-default", "1", """{"@timestamp":"2026-11-25T10:00:00Z","message":"x"}""");

        Assert.Equal("logs-pipeline-default", plain.GetProperty("_index").GetString());
        Assert.Equal(["logs-app-default"], Es.DataStreamNames);
        Assert.StartsWith(".ds-logs-app-default-", stream.GetProperty("_index").GetString(), StringComparison.Ordinal);
        Assert.Equal("logsdb", Es.Index("logs-app-default").Settings.Mode);
        Assert.Equal(["1"], await Http.IdsAsync("logs-app-default", """{"match":{"message":"x"}}"""));
        Assert.Equal(2, (await Http.IdsAsync("logs-*", """{"match_all":{}}""")).Count);
    }

    [Fact]
    public async Task A_data_stream_takes_creates_only_and_needs_a_timestamp()
    {
        var (_, bulk) = await Http.BulkAsync(
            """{"index":{"_index":"logs-app-default","_id":"1"}}""", """{"@timestamp":"2026-11-25T10:00:00Z"}""",
            """{"create":{"_index":"logs-app-default","_id":"2"}}""", """{"message":"no time"}""");

        Assert.Equal("only write ops with an op_type of create are allowed in data streams", Reason(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("document_parsing_exception", Type(Item(bulk, 1).GetProperty("error")));
        Assert.Equal("[1:21] failed to parse: data stream timestamp field [@timestamp] is missing", Reason(Item(bulk, 1).GetProperty("error")));
        Assert.Empty(Es.Documents("logs-app-default"));
    }

    [Theory]
    [InlineData("""{"index_patterns":["a-*"],"settings":{}}""", 400, "x_content_parse_exception", "[1:27] [index_template] unknown field [settings]")]
    [InlineData("""{"index_patterns":["a-*"],"priority":"high"}""", 400, "x_content_parse_exception", "[1:27] [index_template] failed to parse field [priority]")]
    [InlineData("""{"template":{}}""", 400, "illegal_argument_exception", "Required [index_patterns]")]
    [InlineData("""{"index_patterns":["a-*"],"priority":-1}""", 400, "action_request_validation_exception", "Validation Failed: 1: index template priority must be >= 0;")]
    [InlineData("""{"index_patterns":["_a-*"],"template":{"settings":{"index.foo":1,"index.refresh_intervall":"5s"}}}""", 400, "invalid_index_template_exception",
        "index_template [t] invalid, cause [Validation Failed: 1: index_pattern [_a-*] must not start with '_';2: unknown setting [index.foo] please check that any required plugins are installed, or check the breaking changes documentation for removed settings;3: unknown setting [index.refresh_intervall] did you mean [index.refresh_interval]?;]")]
    [InlineData("""{"index_patterns":["a-*"],"composed_of":["logs@mappings"]}""", 400, "invalid_index_template_exception",
        "index_template [t] invalid, cause [index template [t] specifies component templates [logs@mappings] that do not exist]")]
    [InlineData("""{"index_patterns":["logs-a-*"],"priority":100}""", 400, "illegal_argument_exception",
        "index template [t] has index patterns [logs-a-*] matching patterns from existing templates [logs] with patterns (logs => [logs-*-*]) that have the same priority [100], multiple index templates may not match during index creation, please use a different priority")]
    public async Task A_template_elasticsearch_refuses_is_refused_with_its_error_and_not_installed(string body, int status, string type, string reason)
    {
        var (answered, json) = await Http.PutAsync("/_index_template/t", body);

        Assert.Equal(status, answered);
        Assert.Equal(type, Type(json.GetProperty("error")));
        Assert.Equal(reason, Reason(json.GetProperty("error")));
        Assert.DoesNotContain("t", Es.Templates.Keys);
    }

    [Theory]
    [InlineData("""{"foo":{"type":"keyword"},"bar":{"type":"foo"}}""", "mapper_parsing_exception", "No handler for type [foo] declared on field [bar]")]
    [InlineData("""{"bar":{"type":"keyword","analyzer":"standard"}}""", "mapper_parsing_exception", "unknown parameter [analyzer] on mapper [bar] of type [keyword]")]
    [InlineData("""{"labels":{"type":"flattened","properties":{"app":{"type":"keyword"}}}}""", "mapper_parsing_exception", "unknown parameter [properties] on mapper [labels] of type [flattened]")]
    [InlineData("""{"log":{"type":"text","analyzer":"log_words"}}""", "illegal_argument_exception", "analyzer [log_words] has not been configured in mappings")]
    [InlineData("""{"bar":{"copy":true}}""", "mapper_parsing_exception", "No type specified for field [bar]")]
    public async Task A_template_whose_mappings_do_not_parse_is_refused_after_composition(string properties, string innerType, string inner)
    {
        var (status, json) = await Http.PutAsync("/_index_template/t", """{"index_patterns":["a-*"],"template":{"mappings":{"properties":""" + properties + "}}}");

        Assert.Equal(400, status);
        var error = json.GetProperty("error");
        Assert.Equal("illegal_argument_exception", Type(error));
        Assert.Equal("composable template [t] template after composition is invalid", Reason(error));
        Assert.Equal("invalid composite mappings for [t]", Reason(error.GetProperty("caused_by")));
        var parse = error.GetProperty("caused_by").GetProperty("caused_by");
        Assert.Equal("mapper_parsing_exception", Type(parse));
        Assert.Equal("Failed to parse mapping: " + inner, Reason(parse));
        Assert.Equal(innerType, Type(parse.GetProperty("caused_by")));
        Assert.Equal(inner, Reason(parse.GetProperty("caused_by")));
        Assert.Empty(Es.Templates);
    }

    [Theory]
    [InlineData("""{"subobjects":false,"properties":{"kubernetes":{"type":"object","enabled":false}}}""",
        "Object mapper [kubernetes] was found in a context where subobjects is set to false. Auto-flattening [kubernetes] failed because the value of [enabled] is [false]")]
    [InlineData("""{"subobjects":false,"properties":{"kubernetes":{"dynamic":false,"properties":{"pod":{"type":"keyword"}}}}}""",
        "Object mapper [kubernetes] was found in a context where subobjects is set to false. Auto-flattening [kubernetes] failed because the value of [dynamic] (FALSE) is not compatible with the value from its parent context (TRUE)")]
    [InlineData("""{"subobjects":false,"properties":{"spans":{"type":"nested"}}}""",
        "Tried to add nested object [spans] to object [_doc] which does not support subobjects")]
    [InlineData("""{"properties":{"a":{"type":"keyword"}},"foo":"bar"}""", "Root mapping definition has unsupported parameters:  [foo : bar]")]
    public async Task Objects_below_subobjects_false_are_refused_only_where_they_cannot_be_flattened(string mappings, string reason)
    {
        var (status, json) = await Http.PutAsync("/_index_template/t", """{"index_patterns":["a-*"],"template":{"mappings":""" + mappings + "}}");

        Assert.Equal(400, status);
        Assert.Equal(reason, Reason(json.GetProperty("error").GetProperty("caused_by").GetProperty("caused_by").GetProperty("caused_by")));
        // An illegal_argument_exception on top is its own root cause, as Elasticsearch reports it.
        Assert.Equal("composable template [t] template after composition is invalid", Reason(json.GetProperty("error").GetProperty("root_cause")[0]));
    }

    [Fact]
    public async Task A_template_with_a_custom_analyzer_naming_a_missing_tokenizer_is_refused_with_the_analysis_error()
    {
        var (status, json) = await Http.PutAsync("/_index_template/t", """
            {"index_patterns":["a-*"],"template":{"settings":{"analysis":{"analyzer":{"words":{"tokenizer":"icu_tokenizer"}}}}}}
            """);

        Assert.Equal(400, status);
        var error = json.GetProperty("error");
        Assert.Equal("composable template [t] template after composition is invalid", Reason(error));
        Assert.Equal("Custom Analyzer [words] failed to find tokenizer under name [icu_tokenizer]", Reason(error.GetProperty("caused_by")));
    }

    [Fact]
    public async Task A_templates_settings_and_mappings_govern_the_indices_it_creates()
    {
        await Http.PutTemplateAsync("strict", """
            {"index_patterns":["strict-*"],"template":{"settings":{"index.mapping.total_fields.limit":10},"mappings":{"dynamic":"strict","properties":{"msg":{"type":"keyword"}}}}}
            """);

        var accepted = await Http.CreateAsync("strict-1", "1", """{"msg":"a"}""");
        var refused = await Http.CreateAsync("strict-1", "2", """{"other":"b"}""");

        Assert.Equal(201, accepted.GetProperty("status").GetInt32());
        Assert.Equal("strict_dynamic_mapping_exception", Type(refused.GetProperty("error")));
        Assert.Equal(10, Es.Index("strict-1").Settings.TotalFieldsLimit);
        Assert.Equal("strict", Es.Index("strict-1").Template);
    }
}
