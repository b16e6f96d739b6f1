using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Tests.Logging;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Discovery;

/// <summary>An API server that stays unreachable is one log line per retry, with the cause; the stack trace comes once.</summary>
public sealed class KubernetesRetryLoggingTests : IAsyncLifetime
{
    private KubernetesApiStandIn _api = null!;

    public async Task InitializeAsync() => _api = await KubernetesApiStandIn.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Each_failed_retry_is_one_line_with_its_cause_and_only_the_first_carries_the_stack_trace()
    {
        await _api.StopListeningAsync();
        var logger = new RecordingLogger<KubernetesDiscovery>();
        using var discovery = new KubernetesDiscovery(
            new KubernetesDiscoveryOptions { Role = KubernetesRole.Pod, ApiServer = _api.Uri, MinRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(20) },
            logger);
        using var stop = new CancellationTokenSource();
        var running = discovery.RunAsync(stop.Token);

        await Eventually.Until(() => Task.FromResult(discovery.Counters.Failures), f => f >= 4, "several failed attempts");
        await stop.CancelAsync();
        await running;

        var failures = logger.Entries.Where(e => e.EventId is 2203 or 2205).ToList();
        Assert.True(failures.Count >= 4, string.Join("\n", failures));
        Assert.Single(failures, e => e.Exception is not null);
        Assert.NotNull(failures[0].Exception);
        Assert.All(failures, e => Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal));
        Assert.Contains("failed again (2 in a row)", failures[1].Message, StringComparison.Ordinal);
    }
}
