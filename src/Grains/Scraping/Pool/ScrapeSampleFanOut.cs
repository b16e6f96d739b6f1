using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// The silo's sink for scraped samples: hands each successful scrape to every <c>remote_write</c>
/// queue of the pipeline file. Queues never block a scrape; a full queue counts what it refuses.
/// Disposing flushes the queues (up to each entry's flush deadline).
/// </summary>
public sealed class ScrapeSampleFanOut : IScrapeSampleSink, IAsyncDisposable
{
    private readonly RemoteWriteQueue[] _queues;

    public ScrapeSampleFanOut(PipelineConfig config, TimeProvider time, ILoggerFactory loggers, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(config);
        _queues = [.. config.Metrics.RemoteWrite.Select(options => new RemoteWriteQueue(
            options, Telemetry.PipelineMetrics.MeterName, time, handler: null, loggers.CreateLogger<RemoteWriteQueue>(), meters))];
    }

    public IReadOnlyList<RemoteWriteQueue> Queues => _queues;

    public void Append(ReadOnlySpan<RemoteWriteSample> samples)
    {
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
