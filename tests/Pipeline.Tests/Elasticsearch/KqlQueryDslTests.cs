using System.Text.Json;
using Pipeline.Grains.Search.Elasticsearch;
using Pipeline.Grains.Search.Kql;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

public sealed class KqlQueryDslTests
{
    [Theory]
    [InlineData("", """{"match_all":{}}""")]
    [InlineData("*", """{"match_all":{}}""")]
    public void The_empty_query_and_a_lone_star_match_everything(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("error", """{"match":{"log":"error"}}""")]
    [InlineData("connection refused", """{"match":{"log":"connection refused"}}""")]
    [InlineData("log:timeout", """{"match":{"log":"timeout"}}""")]
    [InlineData("message:timeout", """{"match":{"log":"timeout"}}""")]
    public void Bare_terms_and_the_message_fields_are_a_match_on_log(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("\"connection refused\"", """{"match_phrase":{"log":"connection refused"}}""")]
    [InlineData("log:\"connection refused\"", """{"match_phrase":{"log":"connection refused"}}""")]
    [InlineData("kubernetes.pod_name:\"web-1\"", """{"match_phrase":{"kubernetes.pod_name":"web-1"}}""")]
    public void Quoted_values_are_a_match_phrase(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("conn*", """{"query_string":{"query":"conn*","fields":["log"],"analyze_wildcard":true}}""")]
    [InlineData("log:*fused", """{"query_string":{"query":"*fused","fields":["log"],"analyze_wildcard":true}}""")]
    [InlineData(
        "conn* refused",
        """{"bool":{"should":[{"query_string":{"query":"conn*","fields":["log"],"analyze_wildcard":true}},{"match":{"log":"refused"}}],"minimum_should_match":1}}""")]
    [InlineData("a\\*b*", """{"query_string":{"query":"a\\*b*","fields":["log"],"analyze_wildcard":true}}""")]
    public void Message_wildcards_are_a_query_string_per_word(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("kubernetes.namespace_name:shop", """{"match":{"kubernetes.namespace_name":"shop"}}""")]
    [InlineData("stream:stderr", """{"match":{"stream":"stderr"}}""")]
    [InlineData("http.status:404", """{"match":{"http.status":"404"}}""")]
    [InlineData("_id:f1-42", """{"ids":{"values":["f1-42"]}}""")]
    public void Field_values_are_a_match(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("kubernetes.pod_name:web-*", """{"wildcard":{"kubernetes.pod_name":{"value":"web-*"}}}""")]
    [InlineData("kubernetes.labels.app:*end", """{"wildcard":{"kubernetes.labels.app":{"value":"*end"}}}""")]
    [InlineData("kubernetes.pod_name:what?*", """{"wildcard":{"kubernetes.pod_name":{"value":"what\\?*"}}}""")]
    [InlineData("tenant:sh*", """{"wildcard":{"tenant":{"value":"sh*"}}}""")]
    [InlineData("level:warn*", """{"wildcard":{"level":{"value":"warn*"}}}""")]
    [InlineData("url:/api/v1*", """{"wildcard":{"url":{"value":"/api/v1*"}}}""")]
    [InlineData("url:a\\ b\\:c*", """{"wildcard":{"url":{"value":"a b:c*"}}}""")]
    [InlineData("log:warn*", """{"query_string":{"query":"warn*","fields":["log"],"analyze_wildcard":true}}""")]
    [InlineData("message:/api/v1*", """{"query_string":{"query":"\\/api\\/v1*","fields":["log"],"analyze_wildcard":true}}""")]
    public void Field_wildcards_are_a_wildcard_query_on_keywords_and_a_query_string_on_log(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("kubernetes.pod_name:*", """{"exists":{"field":"kubernetes.pod_name"}}""")]
    [InlineData("http.status:*", """{"exists":{"field":"http.status"}}""")]
    [InlineData("message:*", """{"exists":{"field":"log"}}""")]
    public void A_lone_wildcard_value_is_exists(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("http.status >= 500", """{"range":{"http.status":{"gte":500}}}""")]
    [InlineData("http.status > 499", """{"range":{"http.status":{"gt":499}}}""")]
    [InlineData("latency < 0.25", """{"range":{"latency":{"lt":0.25}}}""")]
    [InlineData("latency <= -1", """{"range":{"latency":{"lte":-1}}}""")]
    [InlineData("version > abc", """{"range":{"version":{"gt":"abc"}}}""")]
    public void Ranges_send_numbers_as_numbers(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("@timestamp >= \"2026-11-25T10:00:00Z\"", """{"range":{"@timestamp":{"gte":"2026-11-25T10:00:00.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    [InlineData("@timestamp > \"2026-11-25T10:00:00Z\"", """{"range":{"@timestamp":{"gte":"2026-11-25T10:00:01.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    [InlineData("@timestamp < 2026-11-25", """{"range":{"@timestamp":{"lt":"2026-11-25T00:00:00.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    [InlineData("@timestamp <= 2026-11-25", """{"range":{"@timestamp":{"lt":"2026-11-26T00:00:00.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    [InlineData("@timestamp:2026-11", """{"range":{"@timestamp":{"gte":"2026-11-01T00:00:00.000000000Z","lt":"2026-12-01T00:00:00.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    [InlineData("@timestamp >= 1795600800000", """{"range":{"@timestamp":{"gte":"2026-11-25T10:00:00.000000000Z","format":"strict_date_optional_time_nanos"}}}""")]
    public void Timestamp_values_name_a_span_compared_like_the_embedded_store(string kql, string dsl) => AssertDsl(kql, dsl);

    [Theory]
    [InlineData("a and b", """{"bool":{"filter":[{"match":{"log":"a"}},{"match":{"log":"b"}}]}}""")]
    [InlineData("a or b", """{"bool":{"should":[{"match":{"log":"a"}},{"match":{"log":"b"}}],"minimum_should_match":1}}""")]
    [InlineData("not a", """{"bool":{"must_not":{"match":{"log":"a"}}}}""")]
    [InlineData(
        "error and not kubernetes.namespace_name:kube-system",
        """{"bool":{"filter":[{"match":{"log":"error"}},{"bool":{"must_not":{"match":{"kubernetes.namespace_name":"kube-system"}}}}]}}""")]
    [InlineData(
        "a or b and c",
        """{"bool":{"should":[{"match":{"log":"a"}},{"bool":{"filter":[{"match":{"log":"b"}},{"match":{"log":"c"}}]}}],"minimum_should_match":1}}""")]
    [InlineData(
        "status:(200 or not 404)",
        """{"bool":{"should":[{"match":{"status":"200"}},{"bool":{"must_not":{"match":{"status":"404"}}}}],"minimum_should_match":1}}""")]
    public void And_or_not_are_bool_queries(string kql, string dsl) => AssertDsl(kql, dsl);

    [Fact]
    public void User_text_stays_a_string_value()
    {
        var dsl = KqlQueryDsl.Translate(KqlParser.Parse("log:\"\\\"}},{\\\"match_all\\\":{\" and kubernetes.pod_name:x\\\"y*"));

        using var parsed = JsonDocument.Parse(dsl);
        var filter = parsed.RootElement.GetProperty("bool").GetProperty("filter");
        Assert.Equal("\"}},{\"match_all\":{", filter[0].GetProperty("match_phrase").GetProperty("log").GetString());
        Assert.Equal("x\"y*", filter[1].GetProperty("wildcard").GetProperty("kubernetes.pod_name").GetProperty("value").GetString());
        Assert.Equal(2, filter.GetArrayLength());
    }

    [Fact]
    public void The_deepest_query_the_parser_accepts_translates()
    {
        var kql = string.Concat(Enumerable.Repeat("not (", 31)) + "a" + new string(')', 31);

        var dsl = KqlQueryDsl.Translate(KqlParser.Parse(kql));

        Assert.EndsWith("{\"match\":{\"log\":\"a\"}}" + string.Concat(Enumerable.Repeat("}}", 31)), dsl, StringComparison.Ordinal);
    }

    private static void AssertDsl(string kql, string expected) => Assert.Equal(expected, KqlQueryDsl.Translate(KqlParser.Parse(kql)));
}
