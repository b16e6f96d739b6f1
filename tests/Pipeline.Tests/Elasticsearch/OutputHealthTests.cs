using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Telemetry;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

public sealed class OutputHealthTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_block_is_reported_once_until_its_reason_changes_and_cleared_by_the_next_success()
    {
        var health = new OutputHealth();

        Assert.True(health.Block("es", "forbidden", "first", Noon));
        Assert.False(health.Block("es", "forbidden", "again", Noon.AddMinutes(1)));
        var block = Assert.Single(health.Blocks);
        Assert.Equal(("es", "forbidden", "again", Noon), (block.Output, block.Reason, block.Message, block.Since));

        Assert.True(health.Block("es", "template_refused", "other", Noon.AddMinutes(2)));
        Assert.Equal(Noon.AddMinutes(2), Assert.Single(health.Blocks).Since);

        Assert.True(health.Unblock("es"));
        Assert.False(health.Unblock("es"));
        Assert.Empty(health.Blocks);
    }

    [Theory]
    [InlineData(
        "action [indices:admin/auto_create] is unauthorized for user [pipeline] with effective roles [writer] on indices [kubernetes_cluster-2026.11.25], this action is granted by the index privileges [auto_configure,create_index,manage,all]",
        "grant the index privilege 'auto_configure' (or one that includes it: create_index, manage, all)")]
    [InlineData(
        "action [cluster:monitor/main] is unauthorized for user [pipeline] with effective roles [writer], this action is granted by the cluster privileges [monitor,manage,all]",
        "grant the cluster privilege 'monitor' (or one that includes it: manage, all)")]
    [InlineData("action [x] is unauthorized, this action is granted by the index privileges [all]", "grant the index privilege 'all'")]
    [InlineData("index [kubernetes_cluster-2026.11.25] blocked by: [FORBIDDEN/8/index write (api)];", null)]
    public void The_privilege_to_grant_is_read_from_Elasticsearchs_denial(string reason, string? advice) =>
        Assert.Equal(advice, ElasticsearchDenial.Advice(reason));
}
