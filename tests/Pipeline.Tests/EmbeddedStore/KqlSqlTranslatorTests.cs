using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;
using Xunit;

namespace Pipeline.Tests.EmbeddedStore;

/// <summary>The SQL and parameters produced for representative queries; user text only ever appears in parameters.</summary>
public sealed class KqlSqlTranslatorTests
{
    private const string Fts = "seq IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ";
    private const string NotFts = "seq NOT IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ";

    [Theory]
    [InlineData("error", Fts + "$k0)", new object[] { "\"error\"" })]
    [InlineData("message:Error", Fts + "$k0)", new object[] { "\"Error\"" })]
    [InlineData("quick brown", Fts + "$k0)", new object[] { "(\"quick\") OR (\"brown\")" })]
    [InlineData("\"quick brown\"", Fts + "$k0)", new object[] { "\"quick brown\"" })]
    [InlineData("log:\"it's a \\\"NEAR\\\" AND-phrase\"", Fts + "$k0)", new object[] { "\"it s a NEAR AND phrase\"" })]
    [InlineData("err*", Fts + "$k0)", new object[] { "\"err\" *" })]
    [InlineData("kube-pro*", Fts + "$k0)", new object[] { "\"kube pro\" *" })]
    [InlineData("GET /api/v1-users", Fts + "$k0)", new object[] { "(\"GET\") OR ((\"api\" OR \"v1\" OR \"users\"))" })]
    [InlineData("error and timeout", Fts + "$k0)", new object[] { "(\"error\") AND (\"timeout\")" })]
    [InlineData("(error or warn) and timeout", Fts + "$k0)", new object[] { "((\"error\") OR (\"warn\")) AND (\"timeout\")" })]
    [InlineData("not error", NotFts + "$k0)", new object[] { "\"error\"" })]
    [InlineData("e*or", "log LIKE $k0 ESCAPE '\\'", new object[] { "%e%or%" })]
    [InlineData("50%_x*y", "log LIKE $k0 ESCAPE '\\'", new object[] { "%50\\%\\_x%y%" })]
    [InlineData("\"->\"", "log LIKE $k0 ESCAPE '\\'", new object[] { "%->%" })]
    [InlineData("\"\"", "0", new object[0])]
    [InlineData("quick -- b*n", "(" + Fts + "$k0) OR log LIKE $k1 ESCAPE '\\' OR log LIKE $k2 ESCAPE '\\')", new object[] { "\"quick\"", "%--%", "%b%n%" })]
    [InlineData("quick *", "1", new object[0])]
    [InlineData("*", "1", new object[0])]
    [InlineData("kubernetes.namespace_name:shop", "namespace = $k0", new object[] { "shop" })]
    [InlineData("kubernetes.pod_name:\"web 1\"", "pod = $k0", new object[] { "web 1" })]
    [InlineData("kubernetes.container_name:web", "container = $k0", new object[] { "web" })]
    [InlineData("kubernetes.host:node-3", "host = $k0", new object[] { "node-3" })]
    [InlineData("kubernetes.pod_id:abc", "pod_id = $k0", new object[] { "abc" })]
    [InlineData("kubernetes.docker_id:9a0e", "container_id = $k0", new object[] { "9a0e" })]
    [InlineData("stream:stderr", "stream = $k0", new object[] { "stderr" })]
    [InlineData("_id:f-1", "id = $k0", new object[] { "f-1" })]
    [InlineData("kubernetes.pod_name:web-*", "pod GLOB $k0", new object[] { "web-*" })]
    [InlineData("kubernetes.pod_name:w?b[1]\\**", "pod GLOB $k0", new object[] { "w[?]b[[]1][*]*" })]
    [InlineData("kubernetes.pod_name:*", "pod IS NOT NULL", new object[0])]
    [InlineData("not kubernetes.pod_name:web", "NOT IFNULL(pod = $k0, 0)", new object[] { "web" })]
    [InlineData("kubernetes.pod_name >= m", "pod >= $k0", new object[] { "m" })]
    [InlineData(
        "kubernetes.namespace_name:shop and not error",
        "(namespace = $k0 AND " + NotFts + "$k1))",
        new object[] { "shop", "\"error\"" })]
    [InlineData(
        "kubernetes.namespace_name:shop and (error or timeout) or stream:stderr",
        "((" + Fts + "$k0) AND namespace = $k1) OR stream = $k2)",
        new object[] { "(\"error\") OR (\"timeout\")", "shop", "stderr" })]
    [InlineData("kubernetes.pod_name:(a or b)", "(pod = $k0 OR pod = $k1)", new object[] { "a", "b" })]
    [InlineData("@timestamp >= 1795600800000", "ts >= $k0", new object[] { 1_795_600_800_000_000_000L })]
    [InlineData("@timestamp > 1795600800000", "ts >= $k0", new object[] { 1_795_600_800_001_000_000L })]
    [InlineData("@timestamp < 1795600800000", "ts < $k0", new object[] { 1_795_600_800_000_000_000L })]
    [InlineData("@timestamp <= 1795600800000", "ts < $k0", new object[] { 1_795_600_800_001_000_000L })]
    [InlineData("@timestamp:\"2026-11-25T10:00:00Z\"", "(ts >= $k0 AND ts < $k1)", new object[] { 1_795_600_800_000_000_000L, 1_795_600_801_000_000_000L })]
    [InlineData("pipeline_flags:joined", "(flags & $k0) != 0", new object[] { 8L })]
    [InlineData("pipeline_flags:*ed", "(flags & $k0) != 0", new object[] { 15L })]
    [InlineData("pipeline_flags:nope", "0", new object[0])]
    [InlineData("pipeline_flags:*", "(flags & 255) != 0", new object[0])]
    [InlineData("user.name:bob", "((json_extract(fields, $k0) = $k1) OR (json_extract(fields, $k2) = $k3))", new object[] { "$.\"user\".\"name\"", "bob", "$.\"user.name\"", "bob" })]
    [InlineData(
        "http.status:500",
        "((json_extract(fields, $k0) = $k1 OR json_extract(fields, $k0) = $k2) OR (json_extract(fields, $k3) = $k4 OR json_extract(fields, $k3) = $k5))",
        new object[] { "$.\"http\".\"status\"", "500", 500L, "$.\"http.status\"", "500", 500L })]
    [InlineData("cached:true", "(json_extract(fields, $k0) = $k1 OR json_type(fields, $k0) = $k2)", new object[] { "$.\"cached\"", "true", "true" })]
    [InlineData("user.name:b*", "(json_extract(fields, $k0) GLOB $k1 OR json_extract(fields, $k2) GLOB $k3)", new object[] { "$.\"user\".\"name\"", "b*", "$.\"user.name\"", "b*" })]
    [InlineData("user.name:*", "(json_extract(fields, $k0) IS NOT NULL OR json_extract(fields, $k1) IS NOT NULL)", new object[] { "$.\"user\".\"name\"", "$.\"user.name\"" })]
    [InlineData("kubernetes.labels.app.kubernetes.io/name:web", "(json_extract(fields, $k0) = $k1)", new object[] { "$.\"kubernetes\".\"labels\".\"app.kubernetes.io/name\"", "web" })]
    [InlineData(
        "http.status >= 500",
        "((json_type(fields, $k0) IN ('integer', 'real') AND json_extract(fields, $k0) >= $k1) OR (json_type(fields, $k2) IN ('integer', 'real') AND json_extract(fields, $k2) >= $k3))",
        new object[] { "$.\"http\".\"status\"", 500L, "$.\"http.status\"", 500L })]
    [InlineData(
        "latency < 2.5",
        "(json_type(fields, $k0) IN ('integer', 'real') AND json_extract(fields, $k0) < $k1)",
        new object[] { "$.\"latency\"", 2.5 })]
    [InlineData(
        "level > info",
        "(json_type(fields, $k0) = 'text' AND json_extract(fields, $k0) > $k1)",
        new object[] { "$.\"level\"", "info" })]
    [InlineData("\"a\\\"b\":x", "0", new object[0])]
    [InlineData("a..b:x", "0", new object[0])]
    public void Translates_to_parameterized_sql(string kql, string sql, object[] parameters)
    {
        var filter = KqlSqlTranslator.Translate(KqlParser.Parse(kql));

        Assert.Equal(sql, filter.Sql);
        Assert.Equal(parameters, filter.Parameters.Select(p => p.Value));
        Assert.Equal(
            Enumerable.Range(0, parameters.Length).Select(i => $"$k{i}"),
            filter.Parameters.Select(p => p.Key));
    }

    [Theory]
    [InlineData("kubernetes.pod_name:\"x'; DROP TABLE logs; --\"")]
    [InlineData("\"x'; DROP TABLE logs; --\":1")]
    [InlineData("'; DROP TABLE logs; --")]
    [InlineData("x' or 1=1 --")]
    public void User_text_never_reaches_the_sql(string kql)
    {
        var filter = KqlSqlTranslator.Translate(KqlParser.Parse(kql));

        Assert.DoesNotContain("DROP", filter.Sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'1", filter.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("--", filter.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_all_filter_is_left_out()
    {
        Assert.True(KqlSqlTranslator.Translate(KqlMatchAll.Instance).MatchesAll);
        Assert.False(KqlSqlTranslator.Translate(KqlParser.Parse("a")).MatchesAll);
    }
}
