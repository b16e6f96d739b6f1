using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchStandInHttp;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Cases of Elasticsearch's own REST tests (rest-api-spec/src/yamlRestTest/…/test/) the stand-in
/// can serve, each named after its YAML file and case and asserting what that case asserts.
/// Where a case needs an API the stand-in lacks (get_mapping, field_caps, count), the same fact
/// is read from the stand-in instead; docs/TESTING.md lists the cases left out and why.
/// </summary>
public sealed class ElasticsearchStandInSpecTests : ElasticsearchStandInTestBase
{

    [Fact]
    public async Task Bulk_10_basic_Array_of_objects()
    {
        await Http.BulkAsync(
            """{"index":{"_index":"test_index","_id":"test_id"}}""", """{"f1":"v1","f2":42}""",
            """{"index":{"_index":"test_index","_id":"test_id2"}}""", """{"f1":"v2","f2":47}""");

        Assert.Equal(2, (await Http.IdsAsync("test_index", """{"match_all":{}}""")).Count);
    }

    [Fact]
    public async Task Bulk_10_basic_Empty_id()
    {
        var (_, bulk) = await Http.BulkAsync(
            """{"index":{"_index":"test","_id":""}}""", """{"f":1}""",
            """{"index":{"_index":"test","_id":"id"}}""", """{"f":2}""",
            """{"index":{"_index":"test"}}""", """{"f":3}""");

        Assert.True(bulk.GetProperty("errors").GetBoolean());
        Assert.Equal(400, Item(bulk, 0).GetProperty("status").GetInt32());
        Assert.Equal("illegal_argument_exception", Type(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("if _id is specified it must not be empty", Reason(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("created", Item(bulk, 1).GetProperty("result").GetString());
        Assert.Equal("created", Item(bulk, 2).GetProperty("result").GetString());
        Assert.Equal(2, Es.Documents("test").Count);
    }

    [Fact]
    public async Task Bulk_10_basic_Empty_id_with_op_type_create()
    {
        var (_, bulk) = await Http.BulkAsync(
            """{"index":{"_index":"test","_id":""}}""", """{"f":1}""",
            """{"index":{"_index":"test","_id":"id"}}""", """{"f":2}""",
            """{"index":{"_index":"test"}}""", """{"f":3}""",
            """{"create":{"_index":"test"}}""", """{"f":4}""",
            """{"index":{"_index":"test","op_type":"create"}}""", """{"f":5}""");

        Assert.Equal("if _id is specified it must not be empty", Reason(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("created", Item(bulk, 1).GetProperty("result").GetString());
        Assert.Equal("created", Item(bulk, 2).GetProperty("result").GetString());
        Assert.Equal("created", bulk.GetProperty("items")[3].GetProperty("create").GetProperty("result").GetString());
        Assert.Equal("created", bulk.GetProperty("items")[4].GetProperty("create").GetProperty("result").GetString());
        Assert.Equal(4, Es.Documents("test").Count);
    }

    [Fact]
    public async Task Bulk_10_basic_empty_action()
    {
        var (status, json) = await Http.BulkAsync("""{"index": {"_index": "test_index", "_id": "test_id"}}""", """{"f1": "v1", "f2": 42}""", "{}");

        Assert.Equal(400, status);
        Assert.Equal("Malformed action/metadata line [3], expected FIELD_NAME but found [END_OBJECT]", Reason(json.GetProperty("error")));
    }

    [Fact]
    public async Task Bulk_10_basic_When_setting_require_alias_flag_per_request()
    {
        var (_, bulk) = await Http.BulkAsync(
            """{"index":{"_index":"new_index_not_created","require_alias":true}}""", """{"f":1}""",
            """{"index":{"_index":"new_index_created"}}""", """{"f":2}""");

        Assert.True(bulk.GetProperty("errors").GetBoolean());
        Assert.Equal(404, Item(bulk, 0).GetProperty("status").GetInt32());
        Assert.Equal("index_not_found_exception", Type(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("no such index [new_index_not_created] and [require_alias] request flag is [true] and [new_index_not_created] is not an alias", Reason(Item(bulk, 0).GetProperty("error")));
        Assert.Equal("created", Item(bulk, 1).GetProperty("result").GetString());
        Assert.DoesNotContain("new_index_not_created", Es.IndexNames);
    }

    [Fact]
    public async Task Bulk_10_basic_When_setting_require_alias_flag()
    {
        var (_, bulk) = await Http.BulkToAsync("/_bulk?refresh=true&require_alias=true",
            """{"index":{"_index":"new_index_not_created"}}""", """{"f":1}""",
            """{"index":{"_index":"new_index_created","require_alias":false}}""", """{"f":2}""");

        Assert.Equal(404, Item(bulk, 0).GetProperty("status").GetInt32());
        Assert.Equal("created", Item(bulk, 1).GetProperty("result").GetString());
        Assert.DoesNotContain("new_index_not_created", Es.IndexNames);
    }

    [Fact]
    public async Task Bulk_11_dynamic_templates_Dynamic_templates_without_the_geo_queries()
    {
        await Http.PutAsync("/test_index", """
            {"mappings":{"dynamic_templates":[
              {"location":{"mapping":{"type":"geo_point"}}},
              {"my_location":{"match":"my*","mapping":{"type":"geo_point"}}},
              {"string":{"mapping":{"type":"keyword"}}}]}}
            """);
        var (_, first) = await Http.BulkAsync(
            """{"create":{"_index":"test_index","_id":"id_1","dynamic_templates":{"location":"location"}}}""", """{ "location": "41.12,-71.34"}""",
            """{"index":{"_index":"test_index","_id":"id_2","dynamic_templates":{"location":"location"}}}""", """{ "location": [ -71.34, 41.12 ]}""");
        var (_, missing) = await Http.BulkAsync(
            """{"index":{"_index":"test_index","_id":"id_8","dynamic_templates":{"foo_location":"bar_foo"}}}""", """{ "foo_location": [ -71.34, 41.12 ] }""",
            """{"index":{"_index":"test_index","_id":"id_10","dynamic_templates":{"new_location":"foo"}}}""", """{ "location": "41.12,-71.34"}""");
        var (_, wrongType) = await Http.BulkAsync(
            """{"index":{"_index":"test_index","_id":"id_11","dynamic_templates":{"foo":"string"}}}""", """{ "foo.bar": "hello world" }""",
            """{"index":{"_index":"test_index","_id":"id_12","dynamic_templates":{"foo.bar":"string"}}}""", """{ "foo.bar": "hello world" }""");

        Assert.False(first.GetProperty("errors").GetBoolean());
        Assert.Equal("created", first.GetProperty("items")[0].GetProperty("create").GetProperty("result").GetString());
        Assert.Equal(400, Item(missing, 0).GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", Type(Item(missing, 0).GetProperty("error")));
        // Elasticsearch prints [-1:386] here: a location inside the bulk body the stand-in does not reproduce.
        Assert.EndsWith("] failed to parse: Can't find dynamic template for dynamic template name [bar_foo] of field [foo_location]", Reason(Item(missing, 0).GetProperty("error")), StringComparison.Ordinal);
        Assert.Equal(201, Item(missing, 1).GetProperty("status").GetInt32());
        Assert.Equal("failed to parse field [foo] of type [keyword] in document with id 'id_11'. Preview of field's value: '{bar=hello world}'", Reason(Item(wrongType, 0).GetProperty("error")));
        Assert.Equal("created", Item(wrongType, 1).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Bulk_11_dynamic_templates_Dynamic_templates_with_op_type_without_the_geo_queries()
    {
        await Http.PutAsync("/test_index", """
            {"mappings":{"dynamic_templates":[
              {"location":{"mapping":{"type":"geo_point"}}},
              {"my_location":{"match":"my*","mapping":{"type":"geo_point"}}},
              {"string":{"mapping":{"type":"keyword"}}}]}}
            """);

        var (_, bulk) = await Http.BulkAsync(
            """{"index":{"_index":"test_index","_id":"id_1","op_type":"create","dynamic_templates":{"location":"location"}}}""", """{ "location": "41.12,-71.34"}""",
            """{"index":{"_index":"test_index","_id":"id_2","op_type":"index","dynamic_templates":{"location":"location"}}}""", """{ "location": [ -71.34, 41.12 ]}""");

        Assert.False(bulk.GetProperty("errors").GetBoolean());
        Assert.Equal("created", bulk.GetProperty("items")[0].GetProperty("create").GetProperty("result").GetString());
        Assert.Equal("created", bulk.GetProperty("items")[1].GetProperty("index").GetProperty("result").GetString());
    }

    [Fact]
    public async Task Indices_create_40_dynamic_strings_auto_keyword_Dynamic_string_defaults_to_text_with_keyword_subfield()
    {
        await Http.PutAsync("/test_dynamic_strings_default", """{"mappings":{}}""");

        await Http.CreateAsync("test_dynamic_strings_default", "1", """{"new_field":"hello"}""");

        Assert.Equal("""{"properties":{"new_field":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}}}}""", Es.IndexMapping("test_dynamic_strings_default").ToJson());
    }

    [Fact]
    public async Task Indices_create_10_basic_Create_index_with_mappings_settings_and_nothing()
    {
        var withMappings = await Http.PutAsync("/test_index", """{"mappings":{}}""");
        var withSettings = await Http.PutAsync("/test_index2", """{"settings":{"number_of_replicas":"0"}}""");
        var plain = await Http.PutAsync("/test_index3");

        Assert.Equal(200, withMappings.Status);
        Assert.Equal("0", Es.Index("test_index2").Settings.String("index.number_of_replicas"));
        Assert.True(plain.Json.GetProperty("acknowledged").GetBoolean());
        Assert.Equal("test_index3", plain.Json.GetProperty("index").GetString());
    }

    [Fact]
    public async Task Indices_create_10_basic_Create_index_with_invalid_mappings()
    {
        var (status, json) = await Http.PutAsync("/test_index", """{"mappings":{"properties":{"":{"type":"keyword"}}}}""");

        Assert.Equal(400, status);
        Assert.Contains("illegal_argument_exception", json.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Failed to parse mapping: field name cannot be an empty string", Reason(json.GetProperty("error")));
    }

    [Fact]
    public async Task Indices_create_10_basic_Create_index_without_soft_deletes()
    {
        var (status, json) = await Http.PutAsync("/test_index", """{"settings":{"soft_deletes.enabled":false}}""");

        Assert.Equal(400, status);
        Assert.Equal("illegal_argument_exception", Type(json.GetProperty("error")));
    }

    [Fact]
    public async Task Indices_create_30_dynamic_template_both_cases_then_applied_to_documents()
    {
        var single = await Http.PutAsync("/test_index", """
            {"mappings":{"dynamic_templates":[{"mytemplate":{"match":"*name","mapping":{"type":"keyword"}}}]}}
            """);
        var lists = await Http.PutAsync("/test_index2", """
            {"mappings":{"dynamic_templates":[{"mytemplate":{"match":["*name","user*"],"unmatch":["*one","two*"],
              "path_match":["name.*","user.name.*"],"path_unmatch":"*.middle","mapping":{"type":"keyword"}}}]}}
            """);
        await Http.CreateAsync("test_index", "1", """{"first_name":"a"}""");
        await Http.CreateAsync("test_index2", "1", """{"name":{"first":"a","middle":"b","phone":"c"},"user":{"name":{"user_id":"d","twoname":"e"}}}""");

        Assert.Equal([200, 200], [single.Status, lists.Status]);
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, Es.IndexMapping("test_index").TypeOf("first_name"));
        var mapping = Es.IndexMapping("test_index2");
        Assert.Equal(
            [ElasticsearchStandInFieldType.Text, ElasticsearchStandInFieldType.Text, ElasticsearchStandInFieldType.Text, ElasticsearchStandInFieldType.Keyword, ElasticsearchStandInFieldType.Text],
            new[] { "name.first", "name.middle", "name.phone", "user.name.user_id", "user.name.twoname" }.Select(mapping.TypeOf));
    }

    [Fact]
    public async Task Indices_put_index_template_10_basic_Put_index_template()
    {
        await Http.PutTemplateAsync("test", """
            {"index_patterns":"test-*","template":{"settings":{"number_of_shards":1,"number_of_replicas":0},"mappings":{"properties":{"field":{"type":"keyword"}}}}}
            """);

        await Http.CreateAsync("test-1", "1", """{"field":"A B"}""");

        Assert.Equal("1", Es.Index("test-1").Settings.String("index.number_of_shards"));
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, Es.IndexMapping("test-1").TypeOf("field"));
    }

    [Fact]
    public async Task Indices_put_index_template_10_basic_Put_index_template_with_create_flag()
    {
        const string Body = """{"index_patterns":"test-*","template":{"settings":{"number_of_shards":1,"number_of_replicas":0}}}""";
        await Http.PutTemplateAsync("test2", Body);

        var (status, json) = await Http.PutAsync("/_index_template/test2?create=true", Body);

        Assert.Equal(400, status);
        Assert.Equal("index template [test2] already exists", Reason(json.GetProperty("error")));
    }

    [Fact]
    public async Task Indices_put_index_template_10_basic_Put_index_template_without_index_patterns()
    {
        var (status, _) = await Http.PutAsync("/_index_template/test", "{}");

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Indices_put_index_template_15_composition_Index_template_priority()
    {
        await Http.PutTemplateAsync("my-template", """{"index_patterns":["foo","bar-*"],"template":{"settings":{"index.number_of_shards":2}},"composed_of":[],"priority":400}""");
        await Http.PutTemplateAsync("another-template", """{"index_patterns":["bar-*"],"template":{"settings":{"index.number_of_shards":3}},"composed_of":[],"priority":405}""");

        await Http.PutAsync("/bar-baz");

        Assert.Equal("3", Es.Index("bar-baz").Settings.String("index.number_of_shards"));
    }

    [Fact]
    public async Task Indices_put_index_template_15_composition_Index_template_without_component_templates()
    {
        await Http.PutTemplateAsync("my-template", """{"index_patterns":["eggplant"],"template":{"settings":{"number_of_shards":3}}}""");

        await Http.PutAsync("/eggplant");

        Assert.Equal("3", Es.Index("eggplant").Settings.String("index.number_of_shards"));
    }

    [Fact]
    public async Task Index_91_metrics_no_subobjects_Metrics_object_indexing()
    {
        await Http.PutTemplateAsync("test", """
            {"index_patterns":"test-*","template":{"mappings":{"dynamic_templates":[{"no_subobjects":{"match":"metrics","mapping":{
              "type":"object","subobjects":false,"properties":{"host.name":{"type":"keyword"}}}}}]}}}
            """);

        var item = await Http.CreateAsync("test-1", "1", """{ "metrics.host.name": "localhost", "metrics.host.id": 1, "metrics.time": 10, "metrics.time.max": 100, "metrics.time.min": 1 }""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        var mapping = Es.IndexMapping("test-1");
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, mapping.TypeOf("metrics.host.name"));
        Assert.All(new[] { "metrics.host.id", "metrics.time", "metrics.time.max", "metrics.time.min" },
            f => Assert.Equal(ElasticsearchStandInFieldType.Number, mapping.TypeOf(f)));
    }

    [Fact]
    public async Task Index_91_metrics_no_subobjects_Root_without_subobjects()
    {
        await Http.PutTemplateAsync("test", """{"index_patterns":"test-*","template":{"mappings":{"subobjects":false,"properties":{"host.name":{"type":"keyword"}}}}}""");

        var item = await Http.CreateAsync("test-1", "1", """{ "host.name": "localhost", "host.id": 1, "time": 10, "time.max": 100, "time.min": 1 }""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        var mapping = Es.IndexMapping("test-1");
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, mapping.TypeOf("host.name"));
        Assert.All(new[] { "time", "time.max", "time.min" }, f => Assert.Equal(ElasticsearchStandInFieldType.Number, mapping.TypeOf(f)));
    }

    [Fact]
    public async Task Index_92_subobjects_false_dynamic_false_Array_of_objects_indexed_under_subobjects_false_with_dynamic_false()
    {
        await Http.PutAsync("/test-subobjects-false-dynamic-false", """
            {"mappings":{"dynamic":false,"subobjects":false,"properties":{"objarr.j":{"type":"keyword"},"objarr.k":{"type":"keyword"}}}}
            """);
        await Http.CreateAsync("test-subobjects-false-dynamic-false", "6", """{"id":"6","objarr":[{"k":"p"},{"k":"q"}]}""");
        await Http.CreateAsync("test-subobjects-false-dynamic-false", "66", """{"id":"66","objarr":{"k":"p"}}""");

        var hits = await Http.IdsAsync("test-subobjects-false-dynamic-false", """{"exists":{"field":"objarr.k"}}""");

        Assert.Equal(2, hits.Count);
    }

    [Fact]
    public async Task Index_92_subobjects_false_dynamic_false_Array_of_objects_under_enabled_false_object_with_dynamic_false()
    {
        await Http.PutAsync("/test-enabled-false-dynamic-false", """
            {"mappings":{"dynamic":false,"properties":{"objarr":{"type":"object","enabled":false,"properties":{"k":{"type":"keyword"}}}}}}
            """);
        await Http.CreateAsync("test-enabled-false-dynamic-false", "6", """{"id":"6","objarr":[{"k":"p"},{"k":"q"}]}""");
        await Http.CreateAsync("test-enabled-false-dynamic-false", "66", """{"id":"66","objarr":{"k":"p"}}""");

        var hits = await Http.IdsAsync("test-enabled-false-dynamic-false", """{"exists":{"field":"objarr.k"}}""");

        Assert.Empty(hits);
    }

    [Fact]
    public async Task Flattened_10_basic_Test_exists_query_on_flattened_object_field()
    {
        await Http.PutAsync("/flattened_test", """{"mappings":{"properties":{"flattened":{"type":"flattened"}}}}""");
        await Http.CreateAsync("flattened_test", "1", """{"flattened":{"key":"some_value"}}""");

        Assert.Single(await Http.IdsAsync("flattened_test", """{"exists":{"field":"flattened"}}"""));
        Assert.Single(await Http.IdsAsync("flattened_test", """{"exists":{"field":"flattened.key"}}"""));
        Assert.Empty(await Http.IdsAsync("flattened_test", """{"exists":{"field":"flattened.nokey"}}"""));
    }
}
