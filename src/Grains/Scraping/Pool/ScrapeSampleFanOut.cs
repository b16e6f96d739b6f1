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
/// Disposing flushes the queues (up to each entry's flush deadline).
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

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            await queue.DisposeAsync();
        }
    }
}
