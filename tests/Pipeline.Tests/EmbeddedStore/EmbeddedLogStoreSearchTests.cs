using System.Text.Json;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Search.Kql;
using Xunit;
using static Pipeline.Tests.EmbeddedStore.TemporaryLogStore;

namespace Pipeline.Tests.EmbeddedStore;

/// <summary>KQL queries run against a real store: which records match, how many, in what order.</summary>
public sealed class EmbeddedLogStoreSearchTests : IAsyncLifetime
{
    // Record i is written at BaseTime + i seconds with offset i * 100; its id is "file-<source>-<offset>".
    private static readonly string[] Messages =
    [
        "GET /healthz 200",                                               // 0 shop web-1
        "error: connection refused to db",                                // 1 shop web-1 stderr
        "quick brown fox jumps",                                          // 2 shop web-2 truncated
        "brown quick dog",                                                // 3 shop api-7
        "timeout while calling payments; retrying",                       // 4 billing worker-1 stderr
        "Exception in thread main java.lang.NullPointerException",        // 5 billing worker-1 joined
        "it's \"quoted\" text; DROP TABLE logs; -- NEAR AND *",           // 6 kube-system coredns
        "orphan line without metadata",                                   // 7 no metadata
        "Errors everywhere: errored twice",                               // 8 shop web-1
        "a-b c_d 50% done",                                               // 9 billing worker-2
    ];

    private readonly TemporaryLogStore _store = new();
    private readonly string[] _ids = new string[Messages.Length];

    public async Task InitializeAsync()
    {
        var web1 = Source("web-1", "shop", "web-1", "web");
        var web2 = Source("web-2", "shop", "web-2", "web");
        var api = Source("api-7", "shop", "api-7", "api");
        var worker1 = Source("worker-1", "billing", "worker-1", "worker");
        var worker2 = Source("worker-2", "billing", "worker-2", "worker");
        var dns = Source("coredns", "kube-system", "coredns-x", "coredns");
        var orphan = Source("orphan", ns: null);
        var sources = new[] { web1, web1, web2, api, worker1, worker1, dns, orphan, web1, worker2 };
        var streams = new[] { 0, 1, 0, 0, 1, 0, 0, 0, 0, 0 };
        var flags = new[] { 0, 0, (int)LogRecordFlags.Truncated, 0, 0, (int)LogRecordFlags.Joined, 0, 0, 0, 0 };
        var records = new (Pipeline.Contracts.Logs.LogSource, long, long, LogStream, LogRecordFlags, string)[Messages.Length];
        for (var i = 0; i < Messages.Length; i++)
        {
            records[i] = (sources[i], i * 100L, At(i), streams[i] == 1 ? LogStream.Stderr : LogStream.Stdout, (LogRecordFlags)flags[i], Messages[i]);
            _ids[i] = RecordId.Format(sources[i].FileKey, i * 100L);
        }

        Assert.Equal(Messages.Length, (await _store.Store.WriteAsync(Batch(records), CancellationToken.None)).Stored);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [InlineData("", new[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData("*", new[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData("error", new[] { 1 })]
    [InlineData("ERROR", new[] { 1 })]
    [InlineData("quick brown", new[] { 3, 2 })]
    [InlineData("\"quick brown\"", new[] { 2 })]
    [InlineData("message:\"brown quick\"", new[] { 3 })]
    [InlineData("log:fox", new[] { 2 })]
    [InlineData("err*", new[] { 8, 1 })]
    [InlineData("e*or", new[] { 8, 1 })]
    [InlineData("*pointer*", new[] { 5 })]
    [InlineData("quick and brown and fox", new[] { 2 })]
    [InlineData("quick or timeout", new[] { 4, 3, 2 })]
    [InlineData("not error", new[] { 9, 8, 7, 6, 5, 4, 3, 2, 0 })]
    [InlineData("kubernetes.namespace_name:shop", new[] { 8, 3, 2, 1, 0 })]
    [InlineData("kubernetes.namespace_name:Shop", new int[0])]
    [InlineData("not kubernetes.namespace_name:shop", new[] { 9, 7, 6, 5, 4 })]
    [InlineData("kubernetes.namespace_name:billing or kubernetes.container_name:coredns", new[] { 9, 6, 5, 4 })]
    [InlineData("kubernetes.namespace_name:billing and timeout or quick", new[] { 4, 3, 2 })]
    [InlineData("kubernetes.namespace_name:billing and (timeout or quick)", new[] { 4 })]
    [InlineData("kubernetes.namespace_name:shop and not kubernetes.pod_name:web-1", new[] { 3, 2 })]
    [InlineData("kubernetes.pod_name:web*", new[] { 8, 2, 1, 0 })]
    [InlineData("kubernetes.pod_name:Web*", new int[0])]
    [InlineData("kubernetes.pod_name:*-7", new[] { 3 })]
    [InlineData("kubernetes.pod_name:(web-2 or api-7)", new[] { 3, 2 })]
    [InlineData("kubernetes.pod_name:web-1 api-7", new int[0])]
    [InlineData("kubernetes.pod_name:*", new[] { 9, 8, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData("not kubernetes.pod_name:*", new[] { 7 })]
    [InlineData("kubernetes.host:node-3 and kubernetes.docker_id:cid-api", new[] { 3 })]
    [InlineData("kubernetes.pod_id:uid-coredns-x", new[] { 6 })]
    [InlineData("stream:stderr", new[] { 4, 1 })]
    [InlineData("not stream:stdout", new[] { 4, 1 })]
    [InlineData("pipeline_flags:truncated or pipeline_flags:joined", new[] { 5, 2 })]
    [InlineData("pipeline_flags:*", new[] { 5, 2 })]
    [InlineData("@timestamp >= \"2026-11-25T10:00:05Z\"", new[] { 9, 8, 7, 6, 5 })]
    [InlineData("@timestamp > \"2026-11-25T10:00:05Z\"", new[] { 9, 8, 7, 6 })]
    [InlineData("@timestamp <= \"2026-11-25T10:00:01\"", new[] { 1, 0 })]
    [InlineData("@timestamp < \"2026-11-25T10:00:01.000Z\"", new[] { 0 })]
    [InlineData("@timestamp:\"2026-11-25T10:00:03Z\"", new[] { 3 })]
    [InlineData("@timestamp:2026-11-25", new[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData("@timestamp:2026-11-24", new int[0])]
    [InlineData("@timestamp >= 1795600808000", new[] { 9, 8 })]
    [InlineData("_id:file-api-7-300", new[] { 3 })]
    public async Task Query_matches_exactly_the_expected_records_newest_first(string kql, int[] expected)
    {
        var result = await _store.SearchAsync(kql);

        Assert.Equal(expected.Length, result.Total);
        Assert.Equal(expected.Select(i => _ids[i]), result.Hits.Select(h => h.Id));
    }

    [Theory]
    [InlineData("\"it's \\\"quoted\\\"\"", 1)]
    [InlineData("'; DROP TABLE logs; --", 1)]
    [InlineData("kubernetes.pod_name:\"x' OR '1'='1\"", 0)]
    [InlineData("x' OR 1=1 --", 1)]
    [InlineData("NEAR", 1)]
    [InlineData("\"NEAR(quick brown)\"", 0)]
    [InlineData("\"quick AND brown\"", 0)]
    [InlineData("\"AND\"", 1)]
    [InlineData("\\and", 1)]
    [InlineData("-", 2)]
    [InlineData("\"-\"", 2)]
    [InlineData("\\\"", 1)]
    [InlineData("\"\\\"\"", 1)]
    [InlineData("\\*", 1)]
    [InlineData("\"*\"", 1)]
    [InlineData("log:\"50%\"", 1)]
    [InlineData("50%", 1)]
    [InlineData("c_d", 1)]
    [InlineData("%", 1)]
    [InlineData("_", 1)]
    [InlineData("log:*\\%*", 1)]
    [InlineData("kubernetes.pod_name:web[1]*", 0)]
    [InlineData("kubernetes.pod_name:web?1", 0)]
    [InlineData("kubernetes.pod_name:\"web-1\\\" OR 1=1\"", 0)]
    [InlineData("log:(a- or -b) and not \"NEAR\"", 1)]
    [InlineData("\"col:quick\"", 0)]
    [InlineData("\\{x\\}", 0)]
    [InlineData("some.field:\"x\\\" OR 1\"", 0)]
    [InlineData("\"we\\\"ird.field\":1", 0)]
    [InlineData("\"\"", 0)]
    [InlineData("\" \"", 0)]
    public async Task Metacharacters_are_searched_as_text_never_as_syntax(string kql, int expectedTotal)
    {
        var result = await _store.SearchAsync(kql);

        Assert.Equal(expectedTotal, result.Total);
        Assert.Equal(Messages.Length, await CountAsync("*"));
    }

    [Fact]
    public async Task Limit_keeps_the_newest_hits_and_the_exact_total()
    {
        var result = await _store.SearchAsync("kubernetes.namespace_name:shop", limit: 2);

        Assert.Equal(5, result.Total);
        Assert.Equal(new[] { _ids[8], _ids[3] }, result.Hits.Select(h => h.Id));
    }

    // With many matches for a small limit the store walks the time index instead of sorting the matches.
    [Theory]
    [InlineData("quick or error or timeout or done", new[] { 9, 4, 3, 2, 1 })]
    [InlineData("not error and not fox", new[] { 9, 8, 7, 6, 5, 4, 3, 0 })]
    [InlineData("kubernetes.namespace_name:shop and (quick or error or errors)", new[] { 8, 3, 2, 1 })]
    public async Task Small_limit_returns_the_newest_matches_and_the_exact_total(string kql, int[] expected)
    {
        for (var limit = 1; limit <= expected.Length; limit++)
        {
            var result = await _store.SearchAsync(kql, limit: limit);

            Assert.Equal(expected.Length, result.Total);
            Assert.Equal(expected.Take(limit).Select(i => _ids[i]), result.Hits.Select(h => h.Id));
        }
    }

    [Fact]
    public async Task Zero_limit_returns_only_the_total()
    {
        var result = await _store.SearchAsync("*", limit: 0);

        Assert.Equal(10, result.Total);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task Time_range_is_inclusive_at_both_ends()
    {
        var result = await _store.SearchAsync("*", from: At(2), to: At(5));

        Assert.Equal(4, result.Total);
        Assert.Equal(new[] { _ids[5], _ids[4], _ids[3], _ids[2] }, result.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Time_range_and_query_combine()
    {
        var result = await _store.SearchAsync("quick or error", from: At(2), to: At(9));

        Assert.Equal(new[] { _ids[3], _ids[2] }, result.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Hit_carries_its_id_time_and_message()
    {
        var result = await _store.SearchAsync("fox");

        var hit = Assert.Single(result.Hits);
        Assert.Equal(At(2), hit.TimeUnixNanos);
        using var document = JsonDocument.Parse(hit.Document);
        Assert.Equal(Messages[2], document.RootElement.GetProperty("log").GetString());
        Assert.Equal(hit.Id, document.RootElement.GetProperty("_id").GetString());
    }

    [Fact]
    public async Task Records_with_the_same_time_come_newest_written_first()
    {
        var source = Source("same-time");
        await _store.Store.WriteAsync(
            Batch(
                (source, 0, At(100), LogStream.Stdout, LogRecordFlags.None, "tie first"),
                (source, 10, At(100), LogStream.Stdout, LogRecordFlags.None, "tie second"),
                (source, 20, At(100), LogStream.Stdout, LogRecordFlags.None, "tie third")),
            CancellationToken.None);

        var result = await _store.SearchAsync("tie");

        Assert.Equal(
            new[] { "file-same-time-20", "file-same-time-10", "file-same-time-0" },
            result.Hits.Select(h => h.Id));
    }

    [Theory]
    [InlineData("http.status >= 500", new[] { 1 })]
    [InlineData("http.status < 500", new[] { 0 })]
    [InlineData("http.status:200", new[] { 0 })]
    [InlineData("http.status:\"503\"", new[] { 1 })]
    [InlineData("http.status:*", new[] { 2, 1, 0 })]
    [InlineData("http.status >= a", new[] { 2 })]
    [InlineData("http.method:GET", new[] { 0 })]
    [InlineData("http.method:get", new int[0])]
    [InlineData("http.method:G*", new[] { 0 })]
    [InlineData("http.cached:true", new[] { 1 })]
    [InlineData("not http.cached:true", new[] { 9, 8, 7, 6, 5, 4, 3, 2, 0 })]
    [InlineData("http.latency_ms > 1.5", new[] { 0 })]
    [InlineData("user:*", new int[0])]
    public async Task Other_fields_are_read_from_the_extra_fields_json(string kql, int[] expected)
    {
        _store.SetFields(_ids[0], """{"http":{"status":200,"method":"GET","latency_ms":2.25}}""");
        _store.SetFields(_ids[1], """{"http":{"status":503,"cached":true}}""");
        _store.SetFields(_ids[2], """{"http":{"status":"n/a"}}""");

        var result = await _store.SearchAsync(kql);

        Assert.Equal(expected.Select(i => _ids[i]), result.Hits.Select(h => h.Id));
        Assert.Equal(expected.Length, result.Total);
    }

    [Fact]
    public async Task Random_queries_never_fail_with_anything_but_a_syntax_error()
    {
        var random = new Random(20261125);
        string[] pieces =
        [
            "error", "quick", "web*", "*", "\"", "'", "(", ")", ":", ">=", "<", " and ", " or ", " not ", "\\", "-", "NEAR",
            "AND", "%", "_", "[", "?", "kubernetes.pod_name", "@timestamp", "2026-11-25", "500", "http.status", " ", "\"a b\"",
            ";", "DROP", "\u00e9t\u00e9", "{", "}", ".", "log",
        ];
        for (var i = 0; i < 400; i++)
        {
            var query = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            KqlNode parsed;
            try
            {
                parsed = KqlParser.Parse(query);
            }
            catch (KqlSyntaxException ex)
            {
                Assert.InRange(ex.Position, 0, query.Length);
                continue;
            }

            var result = await _store.Store.SearchAsync(parsed, long.MinValue, long.MaxValue, 5, CancellationToken.None);
            Assert.InRange(result.Total, 0, 10);
        }
    }

    private async Task<long> CountAsync(string kql) => (await _store.SearchAsync(kql, limit: 0)).Total;
}
