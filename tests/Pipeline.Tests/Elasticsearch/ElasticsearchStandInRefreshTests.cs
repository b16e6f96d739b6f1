using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// The stand-in makes writes searchable as Elasticsearch does, only at a refresh. Tests that must
/// not depend on timing turn the periodic refresh off or drive it with a fake clock; the one that
/// uses the real timer only polls.
/// </summary>
public sealed class ElasticsearchStandInRefreshTests : IAsyncLifetime
{
    private const string OneDocument = """{"index":{"_index":"logs","_id":"1"}}""";
    private const string Source = """{"message":"hello"}""";

    private readonly FakeTimeProvider _time = TestClock.Create();
    private ElasticsearchStandIn _es = null!;
    private ElasticsearchRestClient _rest = null!;

    public async Task InitializeAsync()
    {
        _es = await ElasticsearchStandIn.StartAsync(time: _time);
        _rest = new ElasticsearchRestClient(_es.Uri);
    }

    public async Task DisposeAsync()
    {
        _rest.Dispose();
        await _es.DisposeAsync();
    }

    [Fact]
    public async Task A_write_is_not_searchable_before_a_refresh_but_a_realtime_get_sees_it()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;

        var bulk = await _rest.BulkAsync("/_bulk", OneDocument, Source);

        Assert.Equal("false", bulk["errors"]);
        Assert.Null(bulk.At("items.0.index.forced_refresh"));
        Assert.Equal("0", (await _rest.PostAsync("/logs/_search"))["hits.total.value"]);
        Assert.Equal("0", (await _rest.GetAsync("/logs/_count"))["count"]);
        Assert.Equal("true", (await _rest.GetAsync("/logs/_doc/1"))["found"]);
        Assert.Equal(404, (await _rest.GetAsync("/logs/_doc/1?realtime=false")).Status);
        Assert.Single(_es.Documents("logs"));
    }

    [Fact]
    public async Task A_write_is_searchable_after_its_index_is_refreshed()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;
        await _rest.BulkAsync("/_bulk", OneDocument, Source);

        var refresh = await _rest.PostAsync("/logs/_refresh");
        var search = await _rest.PostAsync("/logs/_search");

        Assert.Equal(200, refresh.Status);
        Assert.Equal("""{"_shards":{"total":2,"successful":1,"failed":0}}""", refresh.Text);
        Assert.Equal("1", search["hits.total.value"]);
        Assert.Equal("hello", search["hits.hits.0._source.message"]);
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task Refreshing_every_index_by_GET_or_POST_makes_every_write_searchable()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;
        await _rest.BulkAsync("/_bulk", OneDocument, Source, """{"index":{"_index":"other","_id":"2"}}""", Source);

        var refresh = await _rest.GetAsync("/_refresh");

        Assert.Equal("""{"_shards":{"total":4,"successful":2,"failed":0}}""", refresh.Text);
        Assert.Equal("2", (await _rest.PostAsync("/_search"))["hits.total.value"]);
    }

    [Fact]
    public async Task A_delete_stays_searchable_until_a_refresh()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;
        await _rest.BulkAsync("/_bulk?refresh=true", OneDocument, Source);

        var delete = await _rest.DeleteAsync("/logs/_doc/1");

        Assert.Equal("deleted", delete["result"]);
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
        await _rest.PostAsync("/_refresh");
        Assert.Equal("0", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task Bulk_with_refresh_true_is_searchable_when_it_answers_and_says_it_forced_a_refresh()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;

        var bulk = await _rest.BulkAsync("/_bulk?refresh=true", OneDocument, Source, """{"create":{"_index":"logs","_id":"1"}}""", Source);

        Assert.Equal("true", bulk["items.0.index.forced_refresh"]);
        Assert.Equal("409", bulk["items.1.create.status"]);
        Assert.Null(bulk.At("items.1.create.forced_refresh"));
        Assert.Equal("1", (await _rest.PostAsync("/logs/_search"))["hits.total.value"]);
    }

    [Fact]
    public async Task An_empty_refresh_parameter_means_true_false_means_no_refresh_and_anything_else_is_refused()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;

        var asTrue = await _rest.BulkAsync("/_bulk?refresh", OneDocument, Source);
        var asFalse = await _rest.BulkAsync("/_bulk?refresh=false", """{"index":{"_index":"logs","_id":"2"}}""", Source);
        var refused = await _rest.BulkAsync("/_bulk?refresh=yes", OneDocument, Source);

        Assert.Equal("true", asTrue["items.0.index.forced_refresh"]);
        Assert.Null(asFalse.At("items.0.index.forced_refresh"));
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
        Assert.Equal(400, refused.Status);
        Assert.Equal("Unknown value for refresh: [yes].", refused["error.reason"]);
    }

    [Fact]
    public async Task Bulk_with_refresh_wait_for_answers_once_a_refresh_makes_it_visible()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;

        var bulk = _rest.BulkAsync("/_bulk?refresh=wait_for", OneDocument, Source);
        await Eventually.Until(() => Task.FromResult(_es.DocumentCount), n => n == 1, "the write applied");

        // With no periodic refresh nothing else can answer it: only the refresh below.
        Assert.False(bulk.IsCompleted);
        Assert.Equal("0", (await _rest.GetAsync("/logs/_count"))["count"]);
        await _rest.PostAsync("/logs/_refresh");
        var answer = await bulk;

        Assert.Equal("false", answer["errors"]);
        Assert.Null(answer.At("items.0.index.forced_refresh"));
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task Wait_for_beyond_the_indexs_refresh_listeners_forces_a_refresh()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;
        await _rest.PutAsync("/logs", """{"settings":{"index":{"max_refresh_listeners":0}}}""");

        var bulk = await _rest.BulkAsync("/_bulk?refresh=wait_for", OneDocument, Source);

        Assert.Equal("true", bulk["items.0.index.forced_refresh"]);
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task The_document_API_takes_refresh_as_bulk_does()
    {
        _es.RefreshInterval = Timeout.InfiniteTimeSpan;

        var created = await _rest.PutAsync("/logs/_doc/1?refresh=true", Source);

        Assert.Equal(201, created.Status);
        Assert.Equal("""{"_index":"logs","_id":"1","_version":1,"result":"created","forced_refresh":true,"_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}""", created.Text);
        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task The_periodic_refresh_on_a_timer_makes_a_write_searchable_eventually()
    {
        await using var es = await ElasticsearchStandIn.StartAsync();
        using var rest = new ElasticsearchRestClient(es.Uri);

        await rest.BulkAsync("/_bulk", OneDocument, Source);

        await Eventually.Until(() => rest.PostAsync("/logs/_search"), s => s["hits.total.value"] == "1", "the write searchable");
    }

    [Fact]
    public async Task The_periodic_refresh_runs_every_refresh_interval()
    {
        await _rest.BulkAsync("/_bulk", OneDocument, Source);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("0", (await _rest.GetAsync("/logs/_count"))["count"]);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("1", (await _rest.GetAsync("/logs/_count"))["count"]);
    }

    [Fact]
    public async Task A_refresh_interval_from_the_index_template_replaces_the_default()
    {
        await _rest.PutAsync("/_index_template/slow", """{"index_patterns":["slow-*"],"template":{"settings":{"index":{"refresh_interval":"5s"}}}}""");
        await _rest.PutAsync("/_index_template/never", """{"index_patterns":["never-*"],"priority":1,"template":{"settings":{"index.refresh_interval":"-1"}}}""");
        await _rest.BulkAsync("/_bulk", """{"index":{"_index":"slow-1"}}""", Source, """{"index":{"_index":"never-1"}}""", Source);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("0", (await _rest.GetAsync("/slow-1/_count"))["count"]);
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal("1", (await _rest.GetAsync("/slow-1/_count"))["count"]);
        Assert.Equal("0", (await _rest.GetAsync("/never-1/_count"))["count"]);
    }

    [Fact]
    public async Task A_search_idle_index_skips_scheduled_refreshes_until_a_search_comes_and_refreshes_first()
    {
        await _rest.BulkAsync("/_bulk", OneDocument, Source);
        _time.Advance(TimeSpan.FromSeconds(31));
        var refreshes = _es.RefreshCount("logs");

        await _rest.BulkAsync("/_bulk", """{"index":{"_index":"logs","_id":"2"}}""", Source);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(refreshes, _es.RefreshCount("logs"));
        Assert.Equal("2", (await _rest.GetAsync("/logs/_count"))["count"]);
        Assert.Equal(refreshes + 1, _es.RefreshCount("logs"));
    }

    [Fact]
    public async Task An_index_whose_refresh_interval_is_explicit_refreshes_even_when_search_idle()
    {
        await _rest.PutAsync("/logs", """{"settings":{"refresh_interval":"1s"}}""");
        await _rest.BulkAsync("/_bulk", OneDocument, Source);
        _time.Advance(TimeSpan.FromSeconds(31));
        var refreshes = _es.RefreshCount("logs");

        await _rest.BulkAsync("/_bulk", """{"index":{"_index":"logs","_id":"2"}}""", Source);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(refreshes + 1, _es.RefreshCount("logs"));
    }

    [Fact]
    public async Task A_wait_for_write_to_a_search_idle_index_is_answered_by_the_next_scheduled_refresh()
    {
        _time.Advance(TimeSpan.FromSeconds(31));
        await _rest.PutAsync("/logs", "{}");
        _time.Advance(TimeSpan.FromSeconds(31));

        var bulk = _rest.BulkAsync("/_bulk?refresh=wait_for", OneDocument, Source);
        await Eventually.Until(() => Task.FromResult(_es.DocumentCount), n => n == 1, "the write applied");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("false", (await bulk)["errors"]);
    }

    [Fact]
    public async Task Refreshing_a_missing_index_is_404_and_a_wildcard_matching_nothing_refreshes_nothing()
    {
        var missing = await _rest.PostAsync("/nothing/_refresh");
        var wildcard = await _rest.PostAsync("/nothing*/_refresh");
        var strict = await _rest.PostAsync("/nothing*/_refresh?allow_no_indices=false");
        var ignored = await _rest.PostAsync("/nothing/_refresh?ignore_unavailable=true");

        Assert.Equal(404, missing.Status);
        Assert.Equal("index_not_found_exception", missing["error.type"]);
        Assert.Equal("no such index [nothing]", missing["error.reason"]);
        Assert.Equal("nothing", missing["error.index"]);
        Assert.Equal("""{"_shards":{"total":0,"successful":0,"failed":0}}""", wildcard.Text);
        Assert.Equal(404, strict.Status);
        Assert.Equal(200, ignored.Status);
    }
}
