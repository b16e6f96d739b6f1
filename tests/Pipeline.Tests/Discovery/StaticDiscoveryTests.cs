using Pipeline.Grains.Discovery;
using Xunit;
using static Pipeline.Tests.Discovery.DiscovererWatch;

namespace Pipeline.Tests.Discovery;

public sealed class StaticDiscoveryTests
{
    [Fact]
    public async Task A_static_config_yields_its_one_group_once_and_then_waits_for_cancellation()
    {
        var config = new StaticDiscoveryConfig { Targets = ["10.0.0.1:9100", "10.0.0.2:9100"], Labels = new Dictionary<string, string> { ["env"] = "prod" }, Index = 3 };
        using var discoverer = config.Create(Context());
        using var stop = new CancellationTokenSource();
        await using var sets = discoverer.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);

        Assert.True(await sets.MoveNextAsync());
        var group = Assert.Single(sets.Current);
        var next = sets.MoveNextAsync().AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        Assert.Equal("3", group.Source);
        Assert.Equal("prod", group.Labels["env"]);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100"], group.Targets.Select(t => t["__address__"]));
        Assert.Null(discoverer.Error);
    }
}
