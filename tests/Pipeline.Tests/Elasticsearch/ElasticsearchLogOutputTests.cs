using System.Diagnostics.Metrics;
using System.Text;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchTestRecords;

namespace Pipeline.Tests.Elasticsearch;

public sealed class ElasticsearchLogOutputTests : IAsyncLifetime
{
    private const string Today = "kubernetes_cluster-2026.11.25";

    private ElasticsearchStandIn _es = null!;

    public async Task InitializeAsync() => _es = await ElasticsearchStandIn.StartAsync();

    public async Task DisposeAsync() => await _es.DisposeAsync();

    [Fact]
    public async Task New_records_are_created_with_their_ids_in_the_daily_index()
    {
        using var output = Output(Options(_es));

        var result = await output.WriteAsync(Records(3), CancellationToken.None);

        Assert.Equal(new OutputResult(3, 0, 0), result);
        var documents = _es.Documents(Today);
        Assert.Equal(["f1-0", "f1-1", "f1-2"], documents.Select(d => d.Id));
        Assert.Equal("line 0", documents[0]["log"]);
        Assert.Equal("shop", documents[0]["tenant"]);
        Assert.Equal("stdout", documents[0]["stream"]);
        Assert.Equal("2026-11-25T10:00:00.000000000Z", documents[0]["@timestamp"]);
        Assert.Equal("web-1", documents[0].Source.GetProperty("kubernetes").GetProperty("pod_name").GetString());
        var request = _es.BulkRequests.Single();
        Assert.Equal("application/x-ndjson", request.Header("content-type"));
        Assert.Equal([.. documents.Select(d => d.Id)], request.BulkIds);
        Assert.StartsWith("{\"create\":{\"_index\":\"kubernetes_cluster-2026.11.25\",\"_id\":\"f1-0\"}}\n{\"@timestamp\":", request.DecodedBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_batch_is_counted_as_duplicates_and_stored_once()
    {
        using var output = Output(Options(_es));
        var batch = Records(3);
        await output.WriteAsync(batch, CancellationToken.None);

        var replay = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new OutputResult(0, 3, 0), replay);
        Assert.Equal(3, _es.DocumentCount);
        Assert.Equal(3, _es.Counters.Conflicts);
    }

    [Fact]
    public async Task A_batch_overlapping_a_stored_one_stores_only_its_new_records()
    {
        using var output = Output(Options(_es));
        var records = Records(5);
        await output.WriteAsync(records[..3], CancellationToken.None);

        var result = await output.WriteAsync(records[1..], CancellationToken.None);

        Assert.Equal(new OutputResult(2, 2, 0), result);
        Assert.Equal(["f1-0", "f1-1", "f1-2", "f1-3", "f1-4"], _es.Documents().Select(d => d.Id));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Items_answered_429_or_5xx_are_sent_again_alone_until_stored(int status)
    {
        using var output = Output(Options(_es));
        _es.RejectItems(item => item.Id is "f1-1" or "f1-3", status, times: 3);

        var result = await output.WriteAsync(Records(5), CancellationToken.None);

        Assert.Equal(new OutputResult(5, 0, 0), result);
        Assert.Equal(["f1-0", "f1-1", "f1-2", "f1-3", "f1-4"], _es.Documents().Select(d => d.Id).Order());
        var bulks = _es.BulkRequests.Select(r => string.Join(",", r.BulkIds)).ToList();

        // The first request carries all five; f1-1 failed twice and f1-3 once (three faults in all), each retry only what failed.
        Assert.Equal(["f1-0,f1-1,f1-2,f1-3,f1-4", "f1-1,f1-3", "f1-1"], bulks);
    }

    [Fact]
    public async Task Items_still_rejected_after_the_last_retry_fail_the_write_and_the_batch_retry_stores_them()
    {
        using var output = Output(Options(_es, o => o.MaxRetries = 2));
        _es.RejectItems(item => item.Id == "f1-1", 429, times: int.MaxValue);
        var batch = Records(3);

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(batch, CancellationToken.None));

        Assert.Equal(429, failure.Status);
        Assert.Equal("es_rejected_execution_exception", failure.ErrorType);
        Assert.Contains("1 of 3 records were still answered 429", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, _es.BulkRequests.Count);
        Assert.Equal(2, _es.DocumentCount);

        _es.ClearFaults();
        var retried = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new OutputResult(1, 2, 0), retried);
        Assert.Equal(["f1-0", "f1-1", "f1-2"], _es.Documents().Select(d => d.Id).Order());
    }

    [Fact]
    public async Task A_mapping_error_sends_the_record_to_the_dead_letter_sink_with_its_reason()
    {
        var sink = new RecordingDeadLetterSink();
        var metrics = Metrics();
        using var deadLetterCount = new InstrumentTotal(metrics.DeadLetterRecords);
        using var output = Output(Options(_es), sink, metrics);
        _es.RejectDocuments(item => item["log"] == "line 1");
        var batch = Records(3);

        var result = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new OutputResult(2, 0, 1), result);
        var letter = Assert.Single(sink.Letters);
        Assert.Equal("f1-1", letter.Id);
        Assert.Equal("shop", letter.Tenant);
        Assert.Equal("es-test", letter.Output);
        Assert.Equal(400, letter.Status);
        Assert.StartsWith("document_parsing_exception: [1:11] failed to parse field [status]", letter.Reason, StringComparison.Ordinal);
        // The document as sent, written out by hand from record f1-1 ("line 1", one second past ten, file f1 of pod web-1 in shop).
        Assert.Equal(
            """{"_id":"f1-1","@timestamp":"2026-11-25T10:00:01.000000000Z","log":"line 1","stream":"stdout","kubernetes":{"pod_name":"web-1","namespace_name":"shop","pod_id":"uid-web-1","host":"node-3","container_name":"web","docker_id":"cid-web"}}""",
            letter.Document);
        Assert.Single(_es.BulkRequests); // never retried
        Assert.Equal(1, deadLetterCount.Total);
        Assert.Equal([("es-test", "shop")], deadLetterCount.Tags);
        Assert.Equal(["f1-0", "f1-2"], _es.Documents().Select(d => d.Id));
    }

    [Fact]
    public async Task A_value_that_does_not_fit_an_earlier_number_field_is_stored_unindexed_not_dead_lettered()
    {
        var sink = new RecordingDeadLetterSink();
        using var output = Output(Options(_es), sink);
        var batch = Records(2);
        batch[0].EnsureFields()["status"] = 200;
        batch[1].EnsureFields()["status"] = "two hundred";

        var result = await output.WriteAsync(batch, CancellationToken.None);

        // The template's index.mapping.ignore_malformed: Elasticsearch keeps the document and lists the field in _ignored.
        Assert.Equal(new OutputResult(2, 0, 0), result);
        Assert.Empty(sink.Letters);
        Assert.Equal("two hundred", _es.Documents(Today)[1].Source.GetProperty("status").GetString());
    }

    [Fact]
    public async Task One_answer_with_every_kind_of_item_result_is_counted_exactly()
    {
        var sink = new RecordingDeadLetterSink();
        using var output = Output(Options(_es), sink);
        var batch = Records(6);
        await output.WriteAsync(batch[..2], CancellationToken.None);
        _es.RejectItems(item => item.Id == "f1-2", 429);
        _es.RejectItems(item => item.Id == "f1-3", 502);
        _es.RejectDocuments(item => item.Id == "f1-4");

        var result = await output.WriteAsync(batch, CancellationToken.None);

        // f1-0, f1-1 already stored; f1-2 and f1-3 stored on retry; f1-4 dead-lettered; f1-5 stored.
        Assert.Equal(new OutputResult(3, 2, 1), result);
        Assert.Equal("f1-4", Assert.Single(sink.Letters).Id);
        Assert.Equal(["f1-2,f1-3"], _es.BulkRequests.Skip(2).Select(r => string.Join(",", r.BulkIds)));
    }

    [Fact]
    public async Task Refused_connections_fail_the_write_and_nothing_is_lost_once_Elasticsearch_is_back()
    {
        using var output = Output(Options(_es));
        await output.WriteAsync(Records(1, file: "warmup"), CancellationToken.None);
        var batch = Records(4);
        await _es.StopListeningAsync();

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(batch, CancellationToken.None));

        Assert.Null(failure.Status);
        Assert.Contains($"could not reach {_es.Uri.GetLeftPart(UriPartial.Authority)} for the bulk request", failure.Message, StringComparison.Ordinal);

        await _es.StartListeningAsync();
        var result = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new OutputResult(4, 0, 0), result);
        Assert.Equal(5, _es.DocumentCount);
    }

    [Fact]
    public async Task A_first_write_while_Elasticsearch_is_down_fails_and_the_next_one_starts_the_output()
    {
        using var output = Output(Options(_es));
        await _es.StopListeningAsync();

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Contains("cluster info request", failure.Message, StringComparison.Ordinal);
        await _es.StartListeningAsync();
        Assert.Equal(new OutputResult(2, 0, 0), await output.WriteAsync(Records(2), CancellationToken.None));
        Assert.Contains("kubernetes_cluster", _es.Templates.Keys);
    }

    [Theory]
    [InlineData(429, "es_rejected_execution_exception")]
    [InlineData(500, "exception")]
    [InlineData(503, "cluster_block_exception")]
    public async Task A_whole_bulk_request_answered_with_an_error_fails_the_write(int status, string type)
    {
        using var output = Output(Options(_es));
        _es.FailRequests(status);
        var batch = Records(3);

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(batch, CancellationToken.None));

        Assert.Equal(status, failure.Status);
        Assert.Equal(type, failure.ErrorType);
        Assert.Contains($"answered the whole bulk request with HTTP {status} ({type}:", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _es.DocumentCount);
        Assert.Equal(new OutputResult(3, 0, 0), await output.WriteAsync(batch, CancellationToken.None));
    }

    [Fact]
    public async Task A_failure_of_a_later_bulk_request_of_a_batch_is_absorbed_by_the_retry_of_the_batch()
    {
        using var output = Output(Options(_es, o => o.BatchBytes = 1024));
        var batch = Records(12);
        _es.FailRequests(503, times: 1, skip: 1);

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(batch, CancellationToken.None));

        Assert.Equal(503, failure.Status);
        var storedBefore = _es.DocumentCount;
        Assert.InRange(storedBefore, 1, 11);

        var result = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new OutputResult(12 - storedBefore, storedBefore, 0), result);
        Assert.Equal(batch.Select(r => r.Id).Order(), _es.Documents().Select(d => d.Id).Order());
    }

    [Fact]
    public async Task A_slow_answer_fails_the_write_with_a_timeout()
    {
        using var output = Output(Options(_es, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300)));
        await output.WriteAsync(Records(1, file: "warmup"), CancellationToken.None);
        _es.HoldResponses(times: 1, pathPrefix: "/_bulk");

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Contains("did not answer the bulk request within 0.3s (timeout)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(new OutputResult(2, 0, 0), await output.WriteAsync(Records(2), CancellationToken.None));
    }

    [Fact]
    public async Task A_dropped_connection_fails_the_write_and_the_retry_stores_the_batch()
    {
        using var output = Output(Options(_es));
        await output.WriteAsync(Records(1, file: "warmup"), CancellationToken.None);
        _es.AbortRequests(times: 1);

        await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(3), CancellationToken.None));

        Assert.Equal(3, (await output.WriteAsync(Records(3), CancellationToken.None)).Stored);
    }

    [Fact]
    public async Task Gzip_compressed_bulk_bodies_are_stored_as_sent()
    {
        using var output = Output(Options(_es, o => o.Compress = true));
        var batch = Records(50, text: "a fairly repetitive log line that compresses well");

        await output.WriteAsync(batch, CancellationToken.None);

        var request = _es.BulkRequests.Single();
        Assert.Equal("gzip", request.Header("content-encoding"));
        Assert.True(request.BodyBytes < Encoding.UTF8.GetByteCount(request.DecodedBody) / 4);
        Assert.Equal(50, _es.DocumentCount);
        Assert.Equal("a fairly repetitive log line that compresses well 49", _es.Documents()[^1]["log"]);
    }

    [Fact]
    public async Task Without_compress_the_body_is_sent_plain()
    {
        using var output = Output(Options(_es));

        await output.WriteAsync(Records(2), CancellationToken.None);

        Assert.Null(_es.BulkRequests.Single().Header("content-encoding"));
    }

    [Fact]
    public async Task Basic_credentials_are_sent_with_every_request()
    {
        _es.RequireBasicAuth("pipeline", "s3cret");
        using var output = Output(Options(_es, o => (o.User, o.Password) = ("pipeline", "s3cret")));

        var result = await output.WriteAsync(Records(2), CancellationToken.None);

        Assert.Equal(2, result.Stored);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:s3cret"));
        Assert.All(_es.Requests, r => Assert.Equal(expected, r.Header("authorization")));
    }

    [Fact]
    public async Task Wrong_credentials_fail_the_write_with_what_to_check()
    {
        _es.RequireBasicAuth("pipeline", "s3cret");
        using var output = Output(Options(_es, o => (o.User, o.Password) = ("pipeline", "wrong")));

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Equal(401, failure.Status);
        Assert.Contains("refused the credentials", failure.Message, StringComparison.Ordinal);
        Assert.Contains("check user/password_env or api_key_env", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _es.DocumentCount);
    }

    [Fact]
    public async Task A_forbidden_bulk_request_blocks_the_output_naming_the_privilege_needed()
    {
        var metrics = Metrics();
        using var output = Output(Options(_es), metrics: metrics);
        _es.FailRequests(403);

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Equal(403, failure.Status);
        Assert.Equal("forbidden", failure.BlockReason);
        Assert.Contains("forbids the bulk request (HTTP 403 security_exception", failure.Message, StringComparison.Ordinal);
        Assert.Contains("grant the ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing is delivered until then", failure.Message, StringComparison.Ordinal);
        Assert.Equal("forbidden", Assert.Single(metrics.OutputHealth.Blocks).Reason);
    }

    [Fact]
    public async Task An_api_key_is_sent_as_the_ApiKey_authorization()
    {
        const string Key = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
        _es.RequireApiKey(Key);
        using var output = Output(Options(_es, o => o.ApiKey = Key));

        await output.WriteAsync(Records(2), CancellationToken.None);

        Assert.Equal(2, _es.DocumentCount);
        Assert.All(_es.Requests, r => Assert.Equal("ApiKey " + Key, r.Header("authorization")));
    }

    [Fact]
    public async Task Records_go_to_the_index_of_their_UTC_day()
    {
        using var output = Output(Options(_es));
        var beforeMidnight = Nanos(new DateTimeOffset(2026, 11, 25, 23, 59, 59, 999, TimeSpan.Zero));
        var afterMidnight = Nanos(new DateTimeOffset(2026, 11, 26, 0, 30, 0, TimeSpan.FromHours(2))); // 25th, 22:30 UTC
        var nextDay = Nanos(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var newYear = Nanos(new DateTimeOffset(2027, 1, 1, 0, 0, 1, TimeSpan.Zero));

        await output.WriteAsync(
            [Record("a", 0, beforeMidnight), Record("b", 1, afterMidnight), Record("c", 2, nextDay), Record("d", 3, newYear)],
            CancellationToken.None);

        Assert.Equal(["kubernetes_cluster-2026.11.25", "kubernetes_cluster-2026.11.26", "kubernetes_cluster-2027.01.01"], _es.IndexNames);
        Assert.Equal(["a", "b"], _es.Documents("kubernetes_cluster-2026.11.25").Select(d => d["log"]));
        Assert.Equal("kubernetes_cluster-2026.11.25", ElasticsearchIndexNames.NameFor("kubernetes_cluster", beforeMidnight));
    }

    [Fact]
    public async Task A_tenant_with_its_own_prefix_gets_its_own_indices_and_template()
    {
        using var output = Output(Options(_es, o =>
        {
            o.IndexPrefix = "logs";
            o.TenantIndexPrefixes = new Dictionary<string, string> { ["payments"] = "logs-payments" };
        }));

        await output.WriteAsync([.. Records(2, tenant: "shop"), .. Records(2, tenant: "payments", file: "f2")], CancellationToken.None);

        Assert.Equal(["logs-2026.11.25", "logs-payments-2026.11.25"], _es.IndexNames);
        Assert.Equal(["shop", "shop"], _es.Documents("logs-2026.11.25").Select(d => d["tenant"]));
        Assert.Equal(["payments", "payments"], _es.Documents("logs-payments-2026.11.25").Select(d => d["tenant"]));

        // Overlapping patterns (logs-* and logs-payments-*) need different priorities; the stand-in refuses equal ones as Elasticsearch does.
        Assert.Equal(["logs", "logs-payments"], _es.Templates.Keys.Order());
        Assert.True(_es.Templates["logs-payments"].GetProperty("priority").GetInt32() > _es.Templates["logs"].GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task The_index_template_maps_dotted_names_as_leaves_labels_as_flattened_and_strings_as_keywords()
    {
        using var output = Output(Options(_es));

        await output.WriteAsync(Records(1), CancellationToken.None);

        var template = _es.Templates["kubernetes_cluster"];
        Assert.Equal("kubernetes_cluster-*", template.GetProperty("index_patterns")[0].GetString());
        var mappings = template.GetProperty("template").GetProperty("mappings");
        Assert.False(mappings.GetProperty("subobjects").GetBoolean());
        Assert.False(mappings.GetProperty("date_detection").GetBoolean());
        var strings = mappings.GetProperty("dynamic_templates")[0].GetProperty("strings_as_keywords");
        Assert.Equal("string", strings.GetProperty("match_mapping_type").GetString());
        Assert.Equal("keyword", strings.GetProperty("mapping").GetProperty("type").GetString());
        Assert.Equal(8191, strings.GetProperty("mapping").GetProperty("ignore_above").GetInt32());
        var properties = mappings.GetProperty("properties");
        Assert.Equal("date_nanos", properties.GetProperty("@timestamp").GetProperty("type").GetString());
        Assert.Equal("keyword", properties.GetProperty("tenant").GetProperty("type").GetString());
        Assert.Equal("log_words", properties.GetProperty("log").GetProperty("analyzer").GetString());
        Assert.Equal("keyword", properties.GetProperty("kubernetes.pod_name").GetProperty("type").GetString());
        Assert.Equal("flattened", properties.GetProperty("kubernetes.labels").GetProperty("type").GetString());
        Assert.Equal("flattened", properties.GetProperty("kubernetes.annotations").GetProperty("type").GetString());
        var index = template.GetProperty("template").GetProperty("settings").GetProperty("index");
        Assert.True(index.GetProperty("mapping").GetProperty("ignore_malformed").GetBoolean());
        Assert.True(index.GetProperty("mapping").GetProperty("total_fields").GetProperty("ignore_dynamic_beyond_limit").GetBoolean());
        Assert.Equal("pattern", index.GetProperty("analysis").GetProperty("tokenizer").GetProperty("log_words").GetProperty("type").GetString());

        // The stand-in accepted the template (it validates bodies as Elasticsearch does) and the first write's index took it.
        Assert.Equal(1, _es.DocumentCount);
    }

    [Fact]
    public async Task Bulk_requests_are_cut_at_batch_size_bytes()
    {
        using var output = Output(Options(_es, o => o.BatchBytes = 2048));
        var batch = Records(40, text: new string('x', 100));

        var result = await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(40, result.Stored);
        var bulks = _es.BulkRequests;
        Assert.True(bulks.Count >= 4, $"{bulks.Count} requests");
        Assert.All(bulks, r => Assert.True(Encoding.UTF8.GetByteCount(r.DecodedBody) <= 2048, $"{r.DecodedBody.Length} bytes"));
        Assert.Equal(batch.Select(r => r.Id), bulks.SelectMany(r => r.BulkIds));
    }

    [Fact]
    public async Task A_record_larger_than_batch_size_goes_alone()
    {
        using var output = Output(Options(_es, o => o.BatchBytes = 1024));
        var batch = new List<Pipeline.Grains.Processing.LogEvent> { Record("small", 0), Record(new string('y', 5000), 1), Record("small too", 2) };

        await output.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(["f1-0", "f1-1", "f1-2"], _es.BulkRequests.Select(r => Assert.Single(r.BulkIds)));
        Assert.Equal(3, _es.DocumentCount);
    }

    [Fact]
    public async Task A_server_without_the_Elasticsearch_product_header_is_refused()
    {
        _es.SendProductHeader = false;
        using var output = Output(Options(_es));

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Contains("did not answer as Elasticsearch (no 'X-Elastic-Product: Elasticsearch' header)", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_es.BulkRequests);
    }

    [Fact]
    public async Task A_record_field_named_tenant_cannot_change_the_document_tenant()
    {
        using var output = Output(Options(_es));
        var record = Record("sneaky", 0);
        record.EnsureFields()["tenant"] = "billing";

        await output.WriteAsync([record], CancellationToken.None);

        var document = _es.Documents().Single();
        Assert.Equal("shop", document["tenant"]);
        Assert.Equal("billing", document["tenant_original"]);
    }

    [Fact]
    public async Task Non_ascii_and_control_characters_arrive_unchanged()
    {
        using var output = Output(Options(_es));
        const string Text = "Grüße 世界 \"quoted\" <tag> & tab\there\u0001 😀";

        await output.WriteAsync([Record(Text, 0)], CancellationToken.None);

        Assert.Equal(Text, _es.Documents().Single()["log"]);
    }

    [Fact]
    public void Options_with_problems_are_refused_with_the_keys_to_fix()
    {
        var problems = ElasticsearchLogOutputOptionsValidator.Problems(new ElasticsearchLogOutputOptions
        {
            Hosts = [new Uri("ftp://es:2121")],
            User = "pipeline",
            ApiKey = "abc",
            IndexPrefix = "Logs",
            TenantIndexPrefixes = new Dictionary<string, string> { ["t"] = "bad prefix" },
            BatchBytes = 10,
        });

        Assert.Equal(
            [
                "hosts: 'ftp://es:2121/' is not an http:// or https:// URL",
                "password: user is set but no password (set password_env to the variable holding it)",
                "api_key: use either user/password or api_key, not both",
                "index_prefix: 'Logs' must be lowercase (Elasticsearch index names are)",
                "tenant_index_prefixes: 'bad prefix' must not contain spaces nor any of \\ / * ? \" < > | , # :",
                "batch_size: 10 bytes is outside 1024 to 94371840",
            ],
            problems);
    }

    /// <summary>Adds up what one counter of one <see cref="Pipeline.Grains.Telemetry.PipelineMetrics"/> recorded, with the output and tenant tags.</summary>
    private sealed class InstrumentTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string?, string?)> _tags = [];
        private long _total;

        public InstrumentTotal(Counter<long> counter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, counter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? output = null;
                string? tenant = null;
                foreach (var tag in tags)
                {
                    output = tag.Key == "output" ? tag.Value as string : output;
                    tenant = tag.Key == "tenant" ? tag.Value as string : tenant;
                }

                lock (_tags)
                {
                    _total += value;
                    _tags.Add((output, tenant));
                }
            });
            _listener.Start();
        }

        public long Total
        {
            get
            {
                lock (_tags)
                {
                    return _total;
                }
            }
        }

        public IReadOnlyList<(string?, string?)> Tags
        {
            get
            {
                lock (_tags)
                {
                    return [.. _tags];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
