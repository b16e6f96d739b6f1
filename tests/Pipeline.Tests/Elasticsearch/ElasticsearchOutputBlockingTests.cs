using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchTestRecords;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Answers about the output's access or the cluster's set-up (a refused template, a missing
/// privilege) stop delivery with an error naming what to fix; the records are never dead-lettered,
/// the output shows as blocked until a write succeeds again, and then every record is stored.
/// </summary>
public sealed class ElasticsearchOutputBlockingTests : IAsyncLifetime
{
    private ElasticsearchStandIn _es = null!;

    public async Task InitializeAsync() => _es = await ElasticsearchStandIn.StartAsync();

    public async Task DisposeAsync() => await _es.DisposeAsync();

    [Fact]
    public async Task A_refused_template_stops_delivery_until_it_is_accepted()
    {
        var sink = new RecordingDeadLetterSink();
        var metrics = Metrics();
        using var output = Output(Options(_es), sink, metrics);
        _es.FailRequests(400, times: 1, pathPrefix: "/_index_template");

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(3), CancellationToken.None));

        Assert.Equal("template_refused", failure.BlockReason);
        Assert.Contains("refused the index template 'kubernetes_cluster' (HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Contains("install_template: false", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _es.Counters.BulkRequests);
        Assert.Empty(sink.Letters);
        var block = Assert.Single(metrics.OutputHealth.Blocks);
        Assert.Equal(("es-test", "template_refused"), (block.Output, block.Reason));

        var result = await output.WriteAsync(Records(3), CancellationToken.None);

        Assert.Equal(3, result.Stored);
        Assert.Contains("kubernetes_cluster", _es.Templates.Keys);
        Assert.Empty(metrics.OutputHealth.Blocks);
    }

    [Fact]
    public async Task A_template_request_that_fails_with_a_server_error_is_an_outage_not_a_block()
    {
        var metrics = Metrics();
        using var output = Output(Options(_es), metrics: metrics);
        _es.FailRequests(503, times: 1, pathPrefix: "/_index_template");

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Null(failure.BlockReason);
        Assert.Equal(503, failure.Status);
        Assert.Empty(metrics.OutputHealth.Blocks);
        Assert.Equal(2, (await output.WriteAsync(Records(2), CancellationToken.None)).Stored);
    }

    [Fact]
    public async Task Without_install_template_no_template_is_sent()
    {
        using var output = Output(Options(_es, o => o.InstallTemplate = false));

        await output.WriteAsync(Records(2), CancellationToken.None);

        Assert.DoesNotContain(_es.Requests, r => r.Path.StartsWith("/_index_template", StringComparison.Ordinal));
        Assert.Equal(2, _es.DocumentCount);
    }

    [Theory]
    [InlineData("monitor", "cluster info request", "grant the cluster privilege 'monitor' (or one that includes it: manage, all)")]
    [InlineData("manage_index_templates", "index template request (kubernetes_cluster)", "grant the cluster privilege 'manage_index_templates' (or one that includes it: manage, all)")]
    public async Task A_missing_cluster_privilege_blocks_the_output_naming_it(string privilege, string request, string advice)
    {
        var sink = new RecordingDeadLetterSink();
        var metrics = Metrics();
        using var output = Output(Options(_es), sink, metrics);
        _es.Privileges.Revoke(privilege);

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Equal(("forbidden", 403), (failure.BlockReason, failure.Status));
        Assert.Contains($"forbids the {request} (HTTP 403 security_exception", failure.Message, StringComparison.Ordinal);
        Assert.Contains(advice, failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _es.Counters.BulkRequests);
        Assert.Equal("forbidden", Assert.Single(metrics.OutputHealth.Blocks).Reason);

        _es.Privileges.Reset();
        Assert.Equal(2, (await output.WriteAsync(Records(2), CancellationToken.None)).Stored);
        Assert.Empty(metrics.OutputHealth.Blocks);
        Assert.Empty(sink.Letters);
    }

    [Theory]
    [InlineData("create_doc", "grant the index privilege 'create_doc' (or one that includes it: create, delete, index, write, all)")]
    [InlineData("auto_configure", "grant the index privilege 'auto_configure' (or one that includes it: create_index, manage, all)")]
    public async Task A_missing_index_privilege_answered_per_item_blocks_the_output_and_dead_letters_nothing(string privilege, string advice)
    {
        var sink = new RecordingDeadLetterSink();
        var metrics = Metrics();
        using var output = Output(Options(_es), sink, metrics);
        if (privilege == "auto_configure")
        {
            // Auto-creating an index needs auto_configure or create_index: take both away.
            _es.Privileges.RevokeIndex("auto_configure", "kubernetes_cluster-*");
            _es.Privileges.RevokeIndex("create_index", "kubernetes_cluster-*");
        }
        else
        {
            await output.WriteAsync(Records(1), CancellationToken.None); // the day's index exists
            _es.Privileges.RevokeIndex(privilege, "kubernetes_cluster-*");
        }

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(5), CancellationToken.None));

        Assert.Equal(("forbidden", 403, "security_exception"), (failure.BlockReason, failure.Status, failure.ErrorType));
        Assert.Contains(advice, failure.Message, StringComparison.Ordinal);
        Assert.Contains("on the indices 'kubernetes_cluster-*'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("go to no dead-letter store", failure.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Letters);
        Assert.Equal("forbidden", Assert.Single(metrics.OutputHealth.Blocks).Reason);

        _es.Privileges.Reset();
        var result = await output.WriteAsync(Records(5), CancellationToken.None);

        Assert.Equal(5, result.Stored + result.Duplicates);
        Assert.Equal(5, _es.DocumentCount);
        Assert.Empty(sink.Letters);
        Assert.Empty(metrics.OutputHealth.Blocks);
    }
}
