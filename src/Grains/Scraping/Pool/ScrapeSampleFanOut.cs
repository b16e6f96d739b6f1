using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// The silo's sink for scraped and collected samples: appends each batch to the silo's metric store
/// (when <c>storage</c> is on) and hands it to every <c>remote_write</c> queue of the pipeline file.
/// Neither blocks a scrape: the store appends in place, a full queue counts what it refuses.
/// The silo stops the queues within <c>shutdown_timeout</c> (<see cref="Hosting.RemoteWriteFlushOnStop"/>); disposing
/// stops any still running (up to each entry's flush deadline).
/// </summary>
public sealed class ScrapeSampleFanOut : IScrapeSampleSink, IAsyncDisposable
{
    private readonly RemoteWriteQueue[] _queues;
    private readonly MetricStore? _store;

    public ScrapeSampleFanOut(PipelineConfig config, TimeProvider time, ILoggerFactory loggers, IMeterFactory meters, MetricStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _store = store;
        _queues = [.. config.Metrics.RemoteWrite.Select(options => new RemoteWriteQueue(
            options, Telemetry.PipelineMetrics.MeterName, time, handler: null, loggers.CreateLogger<RemoteWriteQueue>(), meters))];
    }

    public IReadOnlyList<RemoteWriteQueue> Queues => _queues;

    public void Append(ReadOnlySpan<RemoteWriteSample> samples)
    {
        _store?.Append(samples);
        foreach (var queue in _queues)
        {
            queue.TryEnqueue(samples);
        }
    }

    /// <summary>Samples the queues hold and have not sent yet.</summary>
    public long PendingSamples => _queues.Sum(q => q.PendingSamples);

    /// <summary>
    /// Stops every queue at once, sending what they hold; when <paramref name="cancellationToken"/> fires first, what is
    /// left is given up (counted and logged by each queue).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_queues.Select(q => q.StopAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            await queue.DisposeAsync();
        }
    }
}
