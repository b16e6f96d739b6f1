using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Sends samples to one <c>remote_write</c> receiver (Prometheus, Mimir, Thanos,
/// VictoriaMetrics) by remote write 1.0. Samples are spread over <c>max_shards</c> shards by a
/// hash of their series' labels, so every series keeps its order while shards send in
/// parallel; each shard batches, compresses, sends and retries on its own (see
/// <see cref="RemoteWriteShard"/>). Nothing blocks a producer: a sample whose shard is full is
/// refused and counted (<see cref="RemoteWriteCounters.SamplesDroppedQueueFull"/>).
/// </summary>
/// <remarks>
/// Orleans-free: a grain or hosted service owns one queue per <c>remote_write</c> entry, feeds
/// it with <see cref="TryEnqueue(in RemoteWriteSample)"/> and stops it with
/// <see cref="StopAsync"/> (or <see cref="DisposeAsync"/>, which waits up to
/// <see cref="RemoteWriteOptions.FlushDeadline"/>) so queued samples are sent before exit.
/// </remarks>
public sealed partial class RemoteWriteQueue : IAsyncDisposable
{
    private readonly RemoteWriteOptions _options;
    private readonly RemoteWriteShard[] _shards;
    private readonly RemoteWriteHttpSender _sender;
    private readonly RemoteWriteMetrics _metrics;
    private readonly RemoteWriteSeriesRelabeler? _relabeler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _gate = new();
    private Task? _stopped;
    private volatile bool _stopping;

    /// <param name="options">The <c>remote_write</c> entry; checked by <see cref="RemoteWriteOptionsValidator"/>.</param>
    /// <param name="meterName">Name of the meter the queue's instruments are created on.</param>
    /// <param name="timeProvider">Clock for batch deadlines, timeouts and backoff; the system clock by default.</param>
    /// <param name="handler">HTTP handler, e.g. a test double; by default one built from <c>tls_config</c>. A given handler is not disposed.</param>
    /// <param name="logger">Where retries and drops are logged.</param>
    /// <param name="meterFactory">Creates the meter when given (dependency injection); otherwise the queue owns a <see cref="Meter"/>.</param>
    public RemoteWriteQueue(
        RemoteWriteOptions options,
        string meterName,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? handler = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = RemoteWriteOptionsValidator.Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"remote_write {options.DisplayName}: {string.Join("; ", problems)}", nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var shards = options.Queue.MaxShards;
        _metrics = new RemoteWriteMetrics(meterName, options.DisplayName, options.Url, meterFactory, () => PendingSamples, shards);
        _sender = handler is null
            ? new RemoteWriteHttpSender(options, RemoteWriteHttpSender.CreateHandler(options), disposeHandler: true, _time)
            : new RemoteWriteHttpSender(options, handler, disposeHandler: false, _time);

        _relabeler = RemoteWriteSeriesRelabeler.For(options);
        _shards = new RemoteWriteShard[shards];
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = new RemoteWriteShard(options.DisplayName, options.Queue, _sender, _metrics, _time, _logger, _abort.Token);
        }
    }

    /// <summary>The entry's name (or the URL's host:port), as in metrics and logs.</summary>
    public string Name => _options.DisplayName;

    public int ShardCount => _shards.Length;

    /// <summary>Samples queued in the shards and not yet taken into a request.</summary>
    public long PendingSamples
    {
        get
        {
            long total = 0;
            foreach (var shard in _shards)
            {
                total += shard.Pending;
            }

            return total;
        }
    }

    /// <summary>Samples the stop gave up (its deadline passed before they were sent); 0 until <see cref="StopAsync"/> has ended.</summary>
    public long SamplesGivenUpOnStop { get; private set; }

    /// <summary>Batches the stop gave up: those being sent or retried, and those the still queued samples would have made.</summary>
    public long BatchesGivenUpOnStop { get; private set; }

    /// <summary>Totals since the queue started.</summary>
    public RemoteWriteCounters Counters => _metrics.Snapshot();

    /// <summary>
    /// Queues one sample for its series' shard, after <c>external_labels</c> and
    /// <c>write_relabel_configs</c> (run once per label array, then cached). False, and the sample is
    /// counted as dropped, when relabeling dropped its series, its shard is at <c>capacity</c> or the
    /// queue is stopping.
    /// </summary>
    public bool TryEnqueue(in RemoteWriteSample sample)
    {
        if (sample.Series.IsDefault)
        {
            throw new ArgumentException("a sample needs its series", nameof(sample));
        }

        if (_relabeler is not null)
        {
            return TryEnqueueRelabeled(sample);
        }

        return TryEnqueueToShard(sample);
    }

    private bool TryEnqueueRelabeled(in RemoteWriteSample sample)
    {
        var series = _relabeler!.Relabel(sample.Series);
        if (series.IsDefault)
        {
            _metrics.Dropped(RemoteWriteConstants.DropRelabeled, 1);
            return false;
        }

        return series == sample.Series
            ? TryEnqueueToShard(sample)
            : TryEnqueueToShard(new RemoteWriteSample(series, sample.TimestampMs, sample.Value));
    }

    private bool TryEnqueueToShard(in RemoteWriteSample sample)
    {
        if (_shards[ShardOf(sample.Series, _shards.Length)].TryEnqueue(sample))
        {
            _metrics.Enqueued(1);
            return true;
        }

        _metrics.Dropped(_stopping ? RemoteWriteConstants.DropShutdown : RemoteWriteConstants.DropQueueFull, 1);
        return false;
    }

    /// <summary>Queues samples in order; answers how many were accepted (the others are counted as dropped).</summary>
    public int TryEnqueue(ReadOnlySpan<RemoteWriteSample> samples)
    {
        var accepted = 0;
        foreach (ref readonly var sample in samples)
        {
            if (TryEnqueue(sample))
            {
                accepted++;
            }
        }

        return accepted;
    }

    /// <summary>
    /// Stops accepting samples and sends everything queued. When <paramref name="cancellationToken"/>
    /// fires first, sending stops (an in-flight request is abandoned) and what is left is counted
    /// as dropped for shutdown. Calling it again waits for the same stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _stopped ??= StopCoreAsync();
        }

        return cancellationToken.CanBeCanceled ? WaitOrAbortAsync(_stopped, cancellationToken) : _stopped;
    }

    private async Task WaitOrAbortAsync(Task stopped, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort))
        {
            await stopped;
        }
    }

    private async Task StopCoreAsync()
    {
        _stopping = true;
        foreach (var shard in _shards)
        {
            shard.Complete();
        }

        await Task.WhenAll(_shards.Select(s => s.Completion));
        foreach (var shard in _shards)
        {
            SamplesGivenUpOnStop += shard.SamplesGivenUp;
            BatchesGivenUpOnStop += shard.BatchesGivenUp;
            shard.Dispose();
        }

        if (SamplesGivenUpOnStop > 0)
        {
            // One line for the whole queue, not one per shard: what an operator needs is how much was lost.
            LogWarningGaveUpOnStop(_logger, Name, SamplesGivenUpOnStop, BatchesGivenUpOnStop, _options.Url.ToString());
        }
    }

    /// <summary>Stops, giving queued samples up to <see cref="RemoteWriteOptions.FlushDeadline"/> to be sent.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var deadline = new CancellationTokenSource(_options.FlushDeadline, _time))
        {
            await StopAsync(deadline.Token);
        }

        _sender.Dispose();
        _metrics.Dispose();
        _abort.Dispose();
    }

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "remote_write {RemoteName}: stopped before the receiver took everything: {Samples} samples in {Batches} batches not delivered to {Url} (counted in pipeline_remote_write_samples_dropped_total{{reason=\"shutdown\"}})")]
    private static partial void LogWarningGaveUpOnStop(ILogger logger, string remoteName, long samples, long batches, string url);

    /// <summary>
    /// The shard of a series: from the hash of its encoded labels, made once per series, so a series
    /// always lands on the same shard (equal labels in another object too) and nothing is hashed per sample.
    /// </summary>
    internal static int ShardOf(RemoteWriteSeries series, int shards) =>
        shards == 1 ? 0 : (int)(series.Hash % (uint)shards);
}
