using System.Text;
using System.Text.Json;
using Pipeline.Grains.Outputs.Elasticsearch;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

public sealed class ElasticsearchBulkResponseTests
{
    [Fact]
    public void An_answer_with_errors_reads_every_status_and_the_failures_reasons()
    {
        var answer = """
            {"took":3,"errors":true,"items":[
              {"create":{"_index":"i","_id":"a","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"status":201}},
              {"create":{"_index":"i","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict","index_uuid":"u","shard":"0","index":"i"}}},
              {"create":{"_index":"i","_id":"c","status":400,"error":{"type":"document_parsing_exception","reason":"failed to parse","caused_by":{"type":"illegal_argument_exception","reason":"nested"}}}},
              {"create":{"_index":"i","_id":"d","status":429,"error":"rejected as a plain string"}}
            ]}
            """;
        var statuses = new int[4];
        var errors = new List<ElasticsearchItemError>();

        var count = ElasticsearchBulkResponse.Read(Encoding.UTF8.GetBytes(answer), 4, statuses, errors);

        Assert.Equal(4, count);
        Assert.Equal([201, 409, 400, 429], statuses);
        Assert.Equal(
            [
                new ElasticsearchItemError(1, 409, "version_conflict_engine_exception", "[b]: version conflict"),
                new ElasticsearchItemError(2, 400, "document_parsing_exception", "failed to parse"),
                new ElasticsearchItemError(3, 429, "unknown", "rejected as a plain string"),
            ],
            errors);
    }

    [Fact]
    public void An_answer_flagged_without_errors_is_all_successes_without_reading_its_items()
    {
        var errors = new List<ElasticsearchItemError>();

        var count = ElasticsearchBulkResponse.Read("""{"errors":false,"took":1,"items":[{"create":{"status":201}}]}"""u8, 3, new int[3], errors);

        Assert.Equal(3, count);
        Assert.Empty(errors);
    }

    [Fact]
    public void An_answer_with_more_items_than_sent_or_no_json_is_refused()
    {
        Assert.Throws<JsonException>(() =>
            ElasticsearchBulkResponse.Read("""{"errors":true,"items":[{"create":{"status":201}},{"create":{"status":201}}]}"""u8, 1, new int[1], []));
        Assert.ThrowsAny<JsonException>(() => ElasticsearchBulkResponse.Read("<html>bad gateway</html>"u8, 1, new int[1], []));
    }

    [Fact]
    public void A_whole_request_error_gives_its_type_and_reason()
    {
        Assert.Equal(
            ("security_exception", "missing authentication credentials"),
            ElasticsearchBulkResponse.ReadRequestError("""{"error":{"root_cause":[{"type":"x","reason":"y"}],"type":"security_exception","reason":"missing authentication credentials"},"status":401}"""u8));
        Assert.Null(ElasticsearchBulkResponse.ReadRequestError("not json"u8));
    }
}
