using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchStandInHttp;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// The stand-in maps documents as Elasticsearch 9 does: dotted names become objects unless
/// subobjects are off, a flattened field indexes every leaf as a keyword under its key, and
/// keywords over their limits are kept out of the index, with Elasticsearch's refusals.
/// </summary>
public sealed class ElasticsearchStandInMappingTests : ElasticsearchStandInTestBase
{

    [Fact]
    public async Task A_dotted_name_below_a_field_an_earlier_document_mapped_is_refused_as_a_document_parsing_error()
    {
        await Http.CreateAsync("kube", "1", """{"app":"web"}""");

        var item = await Http.CreateAsync("kube", "2", """{"app.kubernetes.io/name":"web"}""");

        Assert.Equal(400, item.GetProperty("status").GetInt32());
        var error = item.GetProperty("error");
        Assert.Equal("document_parsing_exception", Type(error));
        // Elasticsearch expands the dotted name into objects, so the text field [app] receives an
        // object; the value made up by the expansion has no location, hence no [line:col] prefix.
        Assert.Equal("failed to parse field [app] of type [text] in document with id '2'. Preview of field's value: '{kubernetes={io/name=web}}'", Reason(error));
        Assert.Equal("illegal_argument_exception", Type(error.GetProperty("caused_by")));
        Assert.Equal(["1"], Es.Documents("kube").Select(d => d.Id));
    }

    [Fact]
    public async Task A_concrete_value_for_a_field_an_earlier_document_mapped_as_an_object_is_refused()
    {
        await Http.CreateAsync("kube", "1", """{"app":{"name":"web"}}""");

        var item = await Http.CreateAsync("kube", "2", """{"app":"web"}""");

        Assert.Equal("document_parsing_exception", Type(item.GetProperty("error")));
        Assert.Equal("[1:8] object mapping for [app] tried to parse field [app] as object, but found a concrete value", Reason(item.GetProperty("error")));
    }

    [Theory]
    [InlineData("""{"app":"web","app.kubernetes.io/name":"web"}""", "mapper [app] cannot be changed from type [text] to [ObjectMapper]")]
    [InlineData("""{"app.kubernetes.io/name":"web","app":"web"}""", "can't merge a non object mapping [app] with an object mapping")]
    [InlineData("""{"values":[1,2.5]}""", "mapper [values] cannot be changed from type [long] to [float]")]
    public async Task One_document_mapping_a_name_two_ways_fails_the_mapping_merge(string document, string reason)
    {
        var item = await Http.CreateAsync("kube", "1", document);

        // Within a document new fields are only merged at the end (DocumentParser's dynamic
        // update), so the conflict is a merge failure, not a parsing error.
        Assert.Equal(400, item.GetProperty("status").GetInt32());
        Assert.Equal("illegal_argument_exception", Type(item.GetProperty("error")));
        Assert.Equal(reason, Reason(item.GetProperty("error")));
        Assert.Empty(Es.Documents("kube"));
        Assert.Empty(Es.IndexMapping("kube").FieldPaths);
    }

    [Fact]
    public async Task Without_subobjects_dotted_names_are_leaves_and_objects_are_flattened_into_them()
    {
        await Http.PutAsync("/flat", """{"mappings":{"subobjects":false}}""");

        var first = await Http.CreateAsync("flat", "1", """{"log":"starting","log.level":"info","app":"web","app.version":"1.2"}""");
        var second = await Http.CreateAsync("flat", "2", """{"log":{"level":"error"},"app":{"version":"1.3"}}""");

        Assert.Equal([201, 201], [first.GetProperty("status").GetInt32(), second.GetProperty("status").GetInt32()]);
        Assert.Equal(["app", "app.keyword", "app.version", "app.version.keyword", "log", "log.keyword", "log.level", "log.level.keyword"], Es.IndexMapping("flat").FieldPaths);
        Assert.Equal(["2"], await Http.IdsAsync("flat", """{"term":{"log.level":"error"}}"""));
        Assert.Equal(["2"], await Http.IdsAsync("flat", """{"term":{"app.version.keyword":"1.3"}}"""));
    }

    [Fact]
    public async Task Mapping_properties_below_subobjects_false_may_be_dotted_or_objects_that_are_auto_flattened()
    {
        var (status, _) = await Http.PutAsync("/flat", """
            {"mappings":{"properties":{"kubernetes":{"type":"object","subobjects":false,"properties":{
              "pod_name":{"type":"keyword"},
              "labels.app":{"type":"keyword"},
              "container":{"properties":{"name":{"type":"keyword"}}}}}}}}
            """);

        Assert.Equal(200, status);
        Assert.Equal(["kubernetes", "kubernetes.container.name", "kubernetes.labels.app", "kubernetes.pod_name"], Es.IndexMapping("flat").FieldPaths);
        var item = await Http.CreateAsync("flat", "1", """{"kubernetes":{"labels":{"app":"web","app.version":"2"},"container.name":"main"}}""");
        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Equal(["1"], await Http.IdsAsync("flat", """{"term":{"kubernetes.labels.app":"web"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("flat", """{"term":{"kubernetes.container.name":"main"}}"""));
        Assert.Contains("kubernetes.labels.app.version", Es.IndexMapping("flat").FieldPaths);
    }

    [Fact]
    public async Task A_flattened_field_indexes_each_leaf_under_its_key_even_when_the_key_has_dots()
    {
        await Http.PutAsync("/kube", """{"mappings":{"properties":{"labels":{"type":"flattened"}}}}""");
        await Http.CreateAsync("kube", "1", """{"labels":{"app":"web","app.kubernetes.io/name":"shop","tier":{"level":3},"team":["a","b"]}}""");
        await Http.CreateAsync("kube", "2", """{"labels":{"app":"db"}}""");

        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"term":{"labels.app.kubernetes.io/name":"shop"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"match":{"labels.tier.level":"3"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"match_phrase":{"labels.team":"b"}}"""));
        Assert.Equal(["1", "2"], await Http.IdsAsync("kube", """{"wildcard":{"labels.app":{"value":"*"}}}"""));
        Assert.Equal(["2"], await Http.IdsAsync("kube", """{"prefix":{"labels.app":{"value":"d"}}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"query_string":{"query":"shop","fields":["labels.app.kubernetes.io/name"]}}"""));
        Assert.Equal(["2"], await Http.IdsAsync("kube", """{"range":{"labels.app":{"lt":"e"}}}"""));
        // The field itself matches any leaf value; exists works on keys.
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"term":{"labels":"shop"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"exists":{"field":"labels.tier.level"}}"""));
        Assert.Empty(await Http.IdsAsync("kube", """{"exists":{"field":"labels.tier"}}"""));
        Assert.Equal(ElasticsearchStandInFieldType.Flattened, Es.IndexMapping("kube").TypeOf("labels"));
        Assert.Equal(ElasticsearchStandInFieldType.Keyword, Es.IndexMapping("kube").TypeOf("labels.app.kubernetes.io/name"));
    }

    [Fact]
    public async Task Flattened_ignore_above_keeps_long_leaves_out_of_the_index()
    {
        await Http.PutAsync("/kube", """{"mappings":{"properties":{"annotations":{"type":"flattened","ignore_above":5}}}}""");

        var item = await Http.CreateAsync("kube", "1", """{"annotations":{"short":"abc","long":"abcdefgh"}}""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"term":{"annotations.short":"abc"}}"""));
        Assert.Empty(await Http.IdsAsync("kube", """{"term":{"annotations.long":"abcdefgh"}}"""));
        Assert.Empty(await Http.IdsAsync("kube", """{"exists":{"field":"annotations.long"}}"""));
    }

    [Fact]
    public async Task A_keyword_over_ignore_above_is_kept_in_the_source_but_not_indexed_and_is_listed_in_ignored()
    {
        await Http.PutAsync("/kube", """{"mappings":{"properties":{"pod":{"type":"keyword","ignore_above":5}}}}""");

        var item = await Http.CreateAsync("kube", "1", """{"pod":"web-123456"}""");
        var (_, search) = await Http.SearchAsync("kube", """{"query":{"match_all":{}}}""");

        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Empty(await Http.IdsAsync("kube", """{"term":{"pod":"web-123456"}}"""));
        var hit = search.GetProperty("hits").GetProperty("hits")[0];
        Assert.Equal(["pod"], hit.GetProperty("_ignored").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("web-123456", hit.GetProperty("_source").GetProperty("pod").GetString());
    }

    [Fact]
    public async Task Dynamic_strings_get_a_keyword_sub_field_that_ignores_values_over_256_characters()
    {
        var line = new string('x', 300);

        await Http.CreateAsync("kube", "1", $$"""{"message":"{{line}} tail"}""");

        Assert.Equal(["1"], await Http.IdsAsync("kube", """{"match":{"message":"tail"}}"""));
        Assert.Empty(await Http.IdsAsync("kube", """{"exists":{"field":"message.keyword"}}"""));
        Assert.Equal(["message.keyword"], Es.Documents("kube").Single().Ignored);
    }

    [Fact]
    public async Task A_keyword_term_over_32766_bytes_is_refused_as_lucene_refuses_it()
    {
        await Http.PutAsync("/kube", """{"mappings":{"properties":{"blob":{"type":"keyword"}}}}""");
        var value = new string('a', 32767);

        var item = await Http.CreateAsync("kube", "1", $$"""{"blob":"{{value}}"}""");

        Assert.Equal(400, item.GetProperty("status").GetInt32());
        var error = item.GetProperty("error");
        Assert.Equal("illegal_argument_exception", Type(error));
        Assert.Equal(
            "Document contains at least one immense term in field=\"blob\" (whose length is longer than the max length 32766), all of which were skipped. The prefix of the first immense term is: '[97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97]...'",
            Reason(error));
        Assert.Equal("max_bytes_length_exceeded_exception", Type(error.GetProperty("caused_by")));
        Assert.Equal("bytes can be at most 32766 in length; got 32767", Reason(error.GetProperty("caused_by")));
    }

    [Fact]
    public async Task A_number_that_does_not_parse_is_refused_with_its_preview_and_cause()
    {
        await Http.PutAsync("/kube", """{"mappings":{"properties":{"status":{"type":"long"}}}}""");

        var item = await Http.CreateAsync("kube", "7", """{"status":"abc"}""");

        var error = item.GetProperty("error");
        Assert.Equal("document_parsing_exception", Type(error));
        Assert.Equal("[1:11] failed to parse field [status] of type [long] in document with id '7'. Preview of field's value: 'abc'", Reason(error));
        Assert.Equal("For input string: \"abc\"", Reason(error.GetProperty("caused_by")));
    }

    [Fact]
    public async Task Ignore_malformed_from_the_index_setting_or_the_field_keeps_the_document_without_the_bad_value()
    {
        await Http.PutAsync("/kube", """
            {"settings":{"index.mapping.ignore_malformed":true},
             "mappings":{"properties":{"status":{"type":"long"},"when":{"type":"date"},"strict":{"type":"long","ignore_malformed":false}}}}
            """);

        var lenient = await Http.CreateAsync("kube", "1", """{"status":"abc","when":"yesterday","note":"kept"}""");
        var strict = await Http.CreateAsync("kube", "2", """{"strict":"abc"}""");

        Assert.Equal(201, lenient.GetProperty("status").GetInt32());
        Assert.Equal(["status", "when"], Es.Documents("kube").Single().Ignored);
        Assert.Empty(await Http.IdsAsync("kube", """{"exists":{"field":"status"}}"""));
        Assert.Equal(400, strict.GetProperty("status").GetInt32());
    }
}
