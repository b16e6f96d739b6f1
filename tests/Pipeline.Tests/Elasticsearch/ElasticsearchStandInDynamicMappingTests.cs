using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchStandInHttp;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// New fields get Elasticsearch's dynamic mapping: date detection, numbers, dynamic templates,
/// <c>dynamic: false|strict</c>, and the total fields limit with its ignore option.
/// </summary>
public sealed class ElasticsearchStandInDynamicMappingTests : ElasticsearchStandInTestBase
{

    [Fact]
    public async Task Strings_that_look_like_dates_map_as_dates_and_a_later_non_date_is_refused()
    {
        await Http.CreateAsync("logs", "1", """{"when":"2026-11-25T10:00:00Z","at":"2026/11/25 10:00:00 +0100","count":3,"ratio":0.5,"ok":true}""");

        var later = await Http.CreateAsync("logs", "2", """{"when":"yesterday"}""");

        var mapping = Es.IndexMapping("logs");
        Assert.Equal(
            [ElasticsearchStandInFieldType.Date, ElasticsearchStandInFieldType.Date, ElasticsearchStandInFieldType.Number, ElasticsearchStandInFieldType.Number, ElasticsearchStandInFieldType.Boolean],
            new[] { "when", "at", "count", "ratio", "ok" }.Select(mapping.TypeOf));
        Assert.Equal("""{"properties":{"at":{"type":"date","format":"yyyy/MM/dd HH:mm:ss Z||yyyy/MM/dd Z"},"count":{"type":"long"},"ok":{"type":"boolean"},"ratio":{"type":"float"},"when":{"type":"date"}}}""", mapping.ToJson());
        var error = later.GetProperty("error");
        Assert.Equal("[1:9] failed to parse field [when] of type [date] in document with id '2'. Preview of field's value: 'yesterday'", Reason(error));
        Assert.Equal("failed to parse date field [yesterday] with format [strict_date_optional_time||epoch_millis]", Reason(error.GetProperty("caused_by")));
        Assert.Equal(["1"], await Http.IdsAsync("logs", """{"range":{"when":{"gte":"2026-11-25"}}}"""));
    }

    [Fact]
    public async Task Without_date_detection_a_date_string_is_text_and_numbers_in_strings_stay_strings()
    {
        await Http.PutAsync("/logs", """{"mappings":{"date_detection":false}}""");

        await Http.CreateAsync("logs", "1", """{"when":"2026-11-25T10:00:00Z","code":"42"}""");

        Assert.Equal(ElasticsearchStandInFieldType.Text, Es.IndexMapping("logs").TypeOf("when"));
        Assert.Equal(ElasticsearchStandInFieldType.Text, Es.IndexMapping("logs").TypeOf("code"));
    }

    [Fact]
    public async Task Dynamic_templates_apply_by_value_type_leaf_name_and_path()
    {
        await Http.PutAsync("/logs", """
            {"mappings":{"dynamic_templates":[
              {"ids":{"match":"*_id","unmatch":"skip_*","mapping":{"type":"keyword"}}},
              {"labels":{"path_match":"labels.*","match_mapping_type":"string","mapping":{"type":"keyword","ignore_above":3}}},
              {"counts":{"match_mapping_type":"long","mapping":{"type":"integer"}}}
            ]}}
            """);

        await Http.CreateAsync("logs", "1", """{"trace_id":"abc","skip_id":"x","labels":{"team":"blue","size":7},"hits":3}""");

        var mapping = Es.IndexMapping("logs");
        Assert.Equal("""{"properties":{"hits":{"type":"integer"},"labels":{"properties":{"size":{"type":"integer"},"team":{"type":"keyword","ignore_above":3}}},"skip_id":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},"trace_id":{"type":"keyword"}}}""", mapping.ToJson());
        Assert.Equal(["labels.team"], Es.Documents("logs").Single().Ignored);
    }

    [Fact]
    public async Task Dynamic_false_keeps_new_fields_in_the_source_only()
    {
        await Http.PutAsync("/logs", """{"mappings":{"dynamic":false,"properties":{"message":{"type":"text"}}}}""");

        var item = await Http.CreateAsync("logs", "1", """{"message":"hello","extra":"world","obj":{"x":1}}""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Equal(["message"], Es.IndexMapping("logs").FieldPaths);
        Assert.Empty(await Http.IdsAsync("logs", """{"match":{"extra":"world"}}"""));
        Assert.Equal("world", Es.Documents("logs").Single()["extra"]);
    }

    [Fact]
    public async Task Dynamic_strict_refuses_a_new_field_naming_the_object_it_was_met_in()
    {
        await Http.PutAsync("/logs", """{"mappings":{"dynamic":"strict","properties":{"meta":{"properties":{"a":{"type":"keyword"}}}}}}""");

        var root = await Http.CreateAsync("logs", "1", """{"extra":"x"}""");
        var inner = await Http.CreateAsync("logs", "2", """{"meta":{"a":"1","b":"2"}}""");

        Assert.Equal("strict_dynamic_mapping_exception", Type(root.GetProperty("error")));
        Assert.Equal("[1:10] mapping set to strict, dynamic introduction of [extra] within [_doc] is not allowed", Reason(root.GetProperty("error")));
        Assert.Equal("[1:22] mapping set to strict, dynamic introduction of [b] within [meta] is not allowed", Reason(inner.GetProperty("error")));
    }

    [Fact]
    public async Task The_total_fields_limit_counts_objects_and_multi_fields_and_refuses_the_document_that_exceeds_it()
    {
        await Http.PutAsync("/logs", """{"settings":{"index.mapping.total_fields.limit":4}}""");

        // obj (1) + obj.n (1) + name (text + keyword: 2) = 4: accepted.
        var fits = await Http.CreateAsync("logs", "1", """{"obj":{"n":1},"name":"a"}""");
        var over = await Http.CreateAsync("logs", "2", """{"a":1,"b":2}""");

        Assert.Equal(201, fits.GetProperty("status").GetInt32());
        Assert.Equal(4, Es.IndexMapping("logs").TotalFieldsCount);
        var error = over.GetProperty("error");
        Assert.Equal("document_parsing_exception", Type(error));
        Assert.Equal("[1:6] failed to parse: Limit of total fields [4] has been exceeded while adding new fields [1]", Reason(error));
        Assert.Equal("Limit of total fields [4] has been exceeded while adding new fields [1]", Reason(error.GetProperty("caused_by")));
    }

    [Fact]
    public async Task Ignore_dynamic_beyond_limit_stores_the_document_without_the_extra_fields_and_lists_them()
    {
        await Http.PutAsync("/logs", """{"settings":{"index.mapping.total_fields":{"limit":2,"ignore_dynamic_beyond_limit":true}}}""");

        var item = await Http.CreateAsync("logs", "1", """{"a":1,"b":2,"c":3,"d":"x"}""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Equal(["a", "b"], Es.IndexMapping("logs").FieldPaths);
        Assert.Equal(["c", "d"], Es.Documents("logs").Single().Ignored);
        Assert.Empty(await Http.IdsAsync("logs", """{"term":{"c":3}}"""));
    }
}
