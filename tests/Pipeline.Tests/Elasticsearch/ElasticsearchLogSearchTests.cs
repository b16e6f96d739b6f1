using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Search.Elasticsearch;
using Pipeline.Grains.Search.Kql;
using Pipeline.Tests.EmbeddedStore;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchTestRecords;

namespace Pipeline.Tests.Elasticsearch;

public sealed class ElasticsearchLogSearchTests : IAsyncLifetime
{
    private static readonly string[] Messages =
    [
        "GET /healthz 200",
        "connection refused by upstream",
        "ERROR timeout while connecting to db",
        "retrying after timeout",
        "cache miss for key user:42",
        "payment declined",
        "Connection reset by peer",
        "panic: runtime error",
        "GET /api/orders 500",
        "slow query took 2.5s",
        "payment accepted",
        "GET /api/cart 404",
    ];

    private ElasticsearchStandIn _es = null!;
    private ElasticsearchLogOutputOptions _options = null!;

    public async Task InitializeAsync()
    {
        _es = await ElasticsearchStandIn.StartAsync();
        _options = Options(_es, o => o.TenantIndexPrefixes = new Dictionary<string, string> { ["billing"] = "billing_logs" });
    }

    public async Task DisposeAsync() => await _es.DisposeAsync();

    [Fact]
    public async Task The_total_is_exact_and_the_hits_are_the_newest_first()
    {
        await WriteAsync(Dataset());
        using var search = Search();

        var result = await search.SearchAsync(KqlParser.Parse("*"), long.MinValue, long.MaxValue, 5, null, CancellationToken.None);

        Assert.Equal(Messages.Length, result.Total);
        Assert.Equal(["f2-11", "f1-10", "f2-9", "f1-8", "f2-7"], result.Hits.Select(h => h.Id));
        Assert.Equal(At(11), result.Hits[0].TimeUnixNanos);
        Assert.True(result.Hits.Zip(result.Hits.Skip(1)).All(p => p.First.TimeUnixNanos > p.Second.TimeUnixNanos));
    }

    [Fact]
    public async Task A_limit_of_zero_answers_the_count_only()
    {
        await WriteAsync(Dataset());
        using var search = Search();

        var result = await search.SearchAsync(KqlParser.Parse("timeout"), long.MinValue, long.MaxValue, 0, null, CancellationToken.None);

        Assert.Equal(2, result.Total);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task The_time_range_is_inclusive_at_both_ends()
    {
        await WriteAsync(Dataset());
        using var search = Search();

        var result = await search.SearchAsync(KqlParser.Parse("*"), At(3), At(5), 100, null, CancellationToken.None);

        Assert.Equal(["f2-5", "f1-4", "f2-3"], result.Hits.Select(h => h.Id));
        Assert.Equal(3, result.Total);
    }

    [Fact]
    public async Task Hits_have_the_embedded_store_document_shape()
    {
        var record = Dataset()[4];
        await WriteAsync([record]);
        using var search = Search();

        var hit = (await search.SearchAsync(KqlParser.Parse("*"), long.MinValue, long.MaxValue, 10, null, CancellationToken.None)).Hits.Single();

        Assert.Equal(
            """{"_id":"f1-4","@timestamp":"2026-11-25T10:00:04.000000000Z","log":"cache miss for key user:42","stream":"stdout","kubernetes":{"pod_name":"web-4","namespace_name":"shop","pod_id":"uid-web-4","host":"node-3","container_name":"web","docker_id":"cid-web"},"pipeline_flags":["truncated"],"status":200,"level":"info"}""",
            hit.Document);
    }

    [Theory]
    [InlineData("tenant:billing", 0)]
    [InlineData("not tenant:shop", 0)]
    [InlineData("tenant:bill*", 0)]
    [InlineData("kubernetes.namespace_name:billing", 0)]
    [InlineData("tenant:billing or tenant:shop", 6)]
    [InlineData("tenant:*", 6)]
    [InlineData("*", 6)]
    [InlineData("payment or not payment", 6)]
    [InlineData("not (tenant:shop and not tenant:shop)", 6)]
    public async Task A_tenant_restricted_search_never_returns_another_tenants_records(string kql, int expected)
    {
        // Both tenants in the same indices: only the tenant filter keeps them apart.
        var shared = Options(_es);
        await WriteAsync(Dataset(), shared);
        Assert.Equal(["kubernetes_cluster-2026.11.25"], _es.IndexNames);
        using var search = Search(shared);

        var result = await search.SearchAsync(KqlParser.Parse(kql), long.MinValue, long.MaxValue, 100, "shop", CancellationToken.None);

        Assert.Equal(expected, result.Total);
        Assert.Equal(expected, result.Hits.Count);
        Assert.All(result.Hits, h => Assert.Equal("shop", Namespace(h)));
    }

    [Fact]
    public async Task A_tenant_search_reads_only_that_tenants_indices()
    {
        await WriteAsync(Dataset());
        using var search = Search();

        var billing = await search.SearchAsync(KqlParser.Parse("payment"), long.MinValue, long.MaxValue, 100, "billing", CancellationToken.None);
        var everyone = await search.SearchAsync(KqlParser.Parse("payment"), long.MinValue, long.MaxValue, 100, null, CancellationToken.None);

        Assert.Equal(["f2-5"], billing.Hits.Select(h => h.Id));
        Assert.Equal(["f1-10", "f2-5"], everyone.Hits.Select(h => h.Id));
        var searches = _es.Requests.Where(r => r.Path.EndsWith("/_search", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Equal(["/billing_logs-*/_search", "/kubernetes_cluster-*,billing_logs-*/_search"], searches);
    }

    [Fact]
    public void The_search_request_restricts_with_filters_beside_the_query()
    {
        var body = JsonNode.Parse(ElasticsearchLogSearch.RequestBody(KqlParser.Parse("error"), At(0), At(9), 25, "shop"))!;

        Assert.Equal(
            """{"size":25,"track_total_hits":true,"sort":[{"@timestamp":{"order":"desc","numeric_type":"date_nanos","unmapped_type":"date_nanos"}}],"query":{"bool":{"filter":[{"match":{"log":"error"}},{"term":{"tenant":"shop"}},{"range":{"@timestamp":{"gte":"2026-11-25T10:00:00.000000000Z","lte":"2026-11-25T10:00:09.000000000Z","format":"strict_date_optional_time_nanos"}}}]}}}""",
            body.ToJsonString());
    }

    [Fact]
    public async Task Searching_indices_that_do_not_exist_yet_finds_nothing()
    {
        using var search = Search();

        var result = await search.SearchAsync(KqlParser.Parse("error"), long.MinValue, long.MaxValue, 10, "shop", CancellationToken.None);

        Assert.Equal(0, result.Total);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task A_refused_search_throws_with_Elasticsearchs_reason()
    {
        using var search = Search();
        _es.FailRequests(503, pathPrefix: "/kubernetes_cluster-*");

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
            search.SearchAsync(KqlParser.Parse("error"), long.MinValue, long.MaxValue, 10, "shop", CancellationToken.None));

        Assert.Equal(503, failure.Status);
        Assert.Contains("HTTP 503 (cluster_block_exception: blocked by: [SERVICE_UNAVAILABLE/2/no master];)", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same records in the embedded store and in Elasticsearch answer these queries with the
    /// same records in the same order: the translation keeps the embedded store's semantics.
    /// </summary>
    [Theory]
    [InlineData("*")]
    [InlineData("timeout")]
    [InlineData("connection refused")]
    [InlineData("\"connection refused\"")]
    [InlineData("conn*")]
    [InlineData("payment and not declined")]
    [InlineData("kubernetes.namespace_name:billing")]
    [InlineData("kubernetes.pod_name:web-1*")]
    [InlineData("not kubernetes.namespace_name:shop")]
    [InlineData("stream:stderr")]
    [InlineData("timeout and stream:stdout")]
    [InlineData("timeout or payment")]
    [InlineData("kubernetes.pod_name:*")]
    [InlineData("status >= 500")]
    [InlineData("status < 300")]
    [InlineData("status:404")]
    [InlineData("level:error")]
    [InlineData("not status:*")]
    [InlineData("pipeline_flags:truncated")]
    [InlineData("_id:f2-3")]
    [InlineData("@timestamp >= \"2026-11-25T10:00:06Z\"")]
    [InlineData("@timestamp > \"2026-11-25T10:00:06Z\"")]
    [InlineData("@timestamp <= \"2026-11-25T10:00:02Z\"")]
    [InlineData("@timestamp:2026-11-25")]
    [InlineData("GET and (404 or 500)")]
    [InlineData("kubernetes.namespace_name:(shop or billing) and not (error or timeout)")]
    public async Task Search_answers_the_same_records_as_the_embedded_store(string kql)
    {
        var records = Dataset();
        await WriteAsync(records);
        await using var embedded = new TemporaryLogStore();
        await embedded.Store.WriteAsync(records, CancellationToken.None);
        using var search = Search();
        var query = KqlParser.Parse(kql);

        var expected = await embedded.Store.SearchAsync(query, long.MinValue, long.MaxValue, 100, CancellationToken.None);
        var actual = await search.SearchAsync(query, long.MinValue, long.MaxValue, 100, null, CancellationToken.None);

        Assert.NotEqual(0, expected.Total);
        Assert.Equal(expected.Hits.Select(h => h.Id), actual.Hits.Select(h => h.Id));
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Hits.Select(h => h.Document), actual.Hits.Select(h => h.Document));
        Assert.Equal(expected.Hits.Select(h => h.TimeUnixNanos), actual.Hits.Select(h => h.TimeUnixNanos));
    }

    private ElasticsearchLogSearch Search(ElasticsearchLogOutputOptions? options = null) => new(options ?? _options, NullLogger<ElasticsearchLogSearch>.Instance);

    /// <summary>
    /// Writes through the output, then refreshes: Elasticsearch makes writes searchable only at a
    /// refresh (every second by default), so a test that searches right after writing asks for one,
    /// as a user of Elasticsearch would.
    /// </summary>
    private async Task WriteAsync(List<LogEvent> records, ElasticsearchLogOutputOptions? options = null)
    {
        using var output = Output(options ?? _options);
        var result = await output.WriteAsync(records, CancellationToken.None);
        Assert.Equal(records.Count, result.Stored);
        using var http = new HttpClient();
        using var refresh = await http.PostAsync(new Uri(_es.Uri, "/_refresh"), null);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    private static string? Namespace(LogSearchHit hit) =>
        JsonDocument.Parse(hit.Document).RootElement.GetProperty("kubernetes").GetProperty("namespace_name").GetString();

    /// <summary>Records of tenants shop (file f1, even offsets) and billing (file f2, odd offsets), one second apart.</summary>
    private static List<LogEvent> Dataset()
    {
        var records = new List<LogEvent>();
        for (var i = 0; i < Messages.Length; i++)
        {
            var tenant = i % 2 == 0 ? "shop" : "billing";
            var source = Source(i % 2 == 0 ? "f1" : "f2", ns: tenant, pod: $"web-{i}");
            var record = new LogEvent(tenant, source, i, At(i), i % 3 == 2 ? LogStream.Stderr : LogStream.Stdout,
                i % 4 == 0 ? LogRecordFlags.Truncated : LogRecordFlags.None, Messages[i]);
            if (Messages[i].Split(' ').LastOrDefault(w => int.TryParse(w, out _)) is { } status)
            {
                record.EnsureFields()["status"] = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (i % 4 == 0)
            {
                record.EnsureFields()["status"] = 200;
            }

            record.EnsureFields()["level"] = Messages[i].Contains("ERROR", StringComparison.Ordinal) || Messages[i].StartsWith("panic", StringComparison.Ordinal) ? "error" : "info";
            records.Add(record);
        }

        return records;
    }
}
