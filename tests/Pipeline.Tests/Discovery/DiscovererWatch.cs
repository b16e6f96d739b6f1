using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Discovery;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Discovery;

/// <summary>Reads an <see cref="ITargetDiscoverer"/>'s sets in the background for the length of a test, keeping the latest.</summary>
internal sealed class DiscovererWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private IReadOnlyList<TargetGroup>? _latest;
    private int _sets;

    private DiscovererWatch(ITargetDiscoverer discoverer)
    {
        Discoverer = discoverer;
        _reading = Task.Run(ReadAsync);
    }

    public ITargetDiscoverer Discoverer { get; }

    public IReadOnlyList<TargetGroup>? Latest => Volatile.Read(ref _latest);

    /// <summary>How many sets were read so far.</summary>
    public int Sets => Volatile.Read(ref _sets);

    public static DiscoveryContext Context(TimeProvider? time = null) => new("test-job", time ?? TimeProvider.System, NullLoggerFactory.Instance);

    public static DiscovererWatch Start(DiscoveryConfig config, TimeProvider? time = null) => new(config.Create(Context(time)));

    /// <summary>Reads a discoverer made by the test (with its own context: loggers, metrics).</summary>
    public static DiscovererWatch Of(ITargetDiscoverer discoverer) => new(discoverer);

    /// <summary>
    /// Waits for a set that satisfies <paramref name="done"/>; <paramref name="poke"/> runs before each
    /// look (e.g. moving a manual clock past the refresh interval).
    /// </summary>
    public async Task<IReadOnlyList<TargetGroup>> Until(Func<IReadOnlyList<TargetGroup>, bool> done, string what, Action? poke = null) =>
        (await Eventually.Until(
            () =>
            {
                poke?.Invoke();
                return Task.FromResult(Latest);
            },
            s => s is not null && done(s),
            what))!;

    /// <summary>Waits until <see cref="ITargetDiscoverer.Error"/> satisfies <paramref name="done"/>.</summary>
    public Task<string?> UntilError(Func<string?, bool> done, string what, Action? poke = null) =>
        Eventually.Until(
            () =>
            {
                poke?.Invoke();
                return Task.FromResult(Discoverer.Error);
            },
            done,
            what);

    /// <summary>Every target's address in the set, sorted.</summary>
    public static string[] Addresses(IReadOnlyList<TargetGroup>? set) =>
        set is null ? [] : [.. set.SelectMany(g => g.Targets).Select(t => t["__address__"]).Order(StringComparer.Ordinal)];

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var set in Discoverer.WatchAsync(_stop.Token))
            {
                Volatile.Write(ref _latest, set);
                Interlocked.Increment(ref _sets);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        Discoverer.Dispose();
        _stop.Dispose();
    }
}
