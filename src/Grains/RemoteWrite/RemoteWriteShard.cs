using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One sender of a <see cref="RemoteWriteQueue"/>: a bounded queue of samples (<c>capacity</c>)
/// and a loop that takes up to <c>max_samples_per_send</c> of them, or what arrived within
/// <c>batch_send_deadline</c>, and sends them, retrying until the receiver accepts or refuses
/// them. One request at a time, so the samples of each series (always the same shard) arrive
/// in the order they were queued.
/// </summary>
internal sealed partial class RemoteWriteShard : IDisposable
{
    private readonly Channel<RemoteWriteSample> _queue;
    private readonly RemoteWriteSample[] _batch;
    private readonly RemoteWriteRequestEncoder _encoder = new();
    private readonly RemoteWriteQueueOptions _options;
    private readonly RemoteWriteHttpSender _sender;
    private readonly RemoteWriteMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly ILogger _logger;
    private readonly string _remoteName;

    public RemoteWriteShard(
        string remoteName,
        RemoteWriteQueueOptions options,
        RemoteWriteHttpSender sender,
        RemoteWriteMetrics metrics,
        TimeProvider time,
        ILogger logger,
        CancellationToken abort)
    {
        _remoteName = remoteName;
        _options = options;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _abort = abort;
        _batch = new RemoteWriteSample[options.MaxSamplesPerSend];
        _queue = Channel.CreateBounded<RemoteWriteSample>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite answers false when full: the caller counts the drop
        });
        Completion = Task.Run(RunAsync);
    }

    /// <summary>Ends when the shard has sent (or, after an abort, dropped) everything queued before <see cref="Complete"/>.</summary>
    public Task Completion { get; }

    public int Pending => _queue.Reader.Count;

    /// <summary>Samples given up because the queue was stopped before they were sent (read once <see cref="Completion"/> has ended).</summary>
    public long SamplesGivenUp { get; private set; }

    /// <summary>
    /// Batches given up the same way: the one being sent or retried when the stop came, and those the samples still
    /// queued would have made (<c>max_samples_per_send</c> each).
    /// </summary>
    public long BatchesGivenUp { get; private set; }

    public bool TryEnqueue(in RemoteWriteSample sample) => _queue.Writer.TryWrite(sample);

    /// <summary>Accept no more samples; what is queued is still sent.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                var count = await FillBatchAsync(reader);
                if (count > 0)
                {
                    try
                    {
                        await SendAsync(count);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // A batch that cannot be encoded or sent for a reason retrying cannot fix: drop it, keep the shard alive.
                        _metrics.Dropped(RemoteWriteConstants.DropRejected, count);
                        LogErrorShardFailed(_logger, ex, _remoteName);
                    }

                    Array.Clear(_batch, 0, count); // let go of the label arrays
                }

                if (_abort.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            LogErrorShardFailed(_logger, ex, _remoteName);
        }

        // Aborted (flush deadline passed) or failed: whatever is still queued will not be sent.
        var left = 0L;
        Complete();
        while (reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            _metrics.Dropped(RemoteWriteConstants.DropShutdown, left);
            SamplesGivenUp += left;
            BatchesGivenUp += (left + _batch.Length - 1) / _batch.Length;
        }
    }

    /// <summary>Takes samples until the batch is full, the deadline passes or the queue is completed and empty.</summary>
    private async Task<int> FillBatchAsync(ChannelReader<RemoteWriteSample> reader)
    {
        var count = 0;
        var started = _time.GetTimestamp();
        CancellationTokenSource? deadline = null;
        CancellationTokenSource? wait = null;
        try
        {
            while (true)
            {
                while (count < _batch.Length && reader.TryRead(out var sample))
                {
                    _batch[count++] = sample;
                }

                if (count == _batch.Length || _abort.IsCancellationRequested)
                {
                    return count;
                }

                if (deadline is null)
                {
                    // One timer per batch, however many times samples trickle in before it is full.
                    var remaining = _options.BatchSendDeadline - _time.GetElapsedTime(started);
                    if (remaining <= TimeSpan.Zero)
                    {
                        return count;
                    }

                    deadline = new CancellationTokenSource(remaining, _time);
                    wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _abort);
                }

                try
                {
                    if (!await reader.WaitToReadAsync(wait!.Token))
                    {
                        return count; // completed: send what we have now, no need to wait for the deadline
                    }
                }
                catch (OperationCanceledException)
                {
                    return count;
                }
            }
        }
        finally
        {
            wait?.Dispose();
            deadline?.Dispose();
        }
    }

    private async Task SendAsync(int count)
    {
        var backoff = new RemoteWriteBackoff(_options.MinBackoff, _options.MaxBackoff);
        var encodedCount = -1;
        var body = ReadOnlyMemory<byte>.Empty;
        while (true)
        {
            count = DropTooOld(count);
            if (count == 0)
            {
                return;
            }

            if (count != encodedCount)
            {
                body = _encoder.Encode(_batch.AsSpan(0, count));
                encodedCount = count;
            }

            if (_abort.IsCancellationRequested)
            {
                _metrics.Dropped(RemoteWriteConstants.DropShutdown, count);
                SamplesGivenUp += count;
                BatchesGivenUp++;
                return;
            }

            RemoteWriteSendResult result;
            try
            {
                result = await _sender.SendAsync(body, _abort);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                continue; // dropped as shutdown above
            }

            _metrics.Request(result.StatusCode);
            switch (result.Outcome)
            {
                case RemoteWriteSendOutcome.Sent:
                    _metrics.Sent(count, body.Length);
                    return;
                case RemoteWriteSendOutcome.Reject:
                    _metrics.Dropped(RemoteWriteConstants.DropRejected, count, result.StatusCode);
                    LogErrorRejected(_logger, _remoteName, result.StatusCode, count, result.Error);
                    return;
            }

            var delay = backoff.Next(result.RetryAfter, Random.Shared.NextDouble());
            LogWarningRetrying(_logger, _remoteName, count, result.StatusCode, delay.TotalMilliseconds, result.Error);
            try
            {
                await Task.Delay(delay, _time, _abort);
            }
            catch (OperationCanceledException)
            {
                // The loop drops the batch as shutdown.
            }

            if (!_abort.IsCancellationRequested)
            {
                _metrics.Retried(count);
            }
        }
    }

    /// <summary>Removes samples older than <c>sample_age_limit</c>, keeping the others in order.</summary>
    private int DropTooOld(int count)
    {
        if (_options.SampleAgeLimit <= TimeSpan.Zero)
        {
            return count;
        }

        var oldest = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.SampleAgeLimit.TotalMilliseconds;
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (_batch[i].TimestampMs >= oldest)
            {
                _batch[kept++] = _batch[i];
            }
        }

        if (kept < count)
        {
            Array.Clear(_batch, kept, count - kept);
            _metrics.Dropped(RemoteWriteConstants.DropTooOld, count - kept);
        }

        return kept;
    }

    public void Dispose() => _encoder.Dispose();

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "remote_write {RemoteName}: {Samples} samples not accepted (status {StatusCode}: {Error}); retrying in {DelayMs} ms")]
    private static partial void LogWarningRetrying(ILogger logger, string remoteName, int samples, int statusCode, double delayMs, string? error);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error,
        Message = "remote_write {RemoteName}: receiver refused {Samples} samples with status {StatusCode}, dropped without retry: {Error}")]
    private static partial void LogErrorRejected(ILogger logger, string remoteName, int statusCode, int samples, string? error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "remote_write {RemoteName}: a batch failed unexpectedly and was dropped")]
    private static partial void LogErrorShardFailed(ILogger logger, Exception exception, string remoteName);
}
