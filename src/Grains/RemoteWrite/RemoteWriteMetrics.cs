using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// The counters of one remote write queue, kept as plain totals (<see cref="Snapshot"/>) and
/// published as <see cref="System.Diagnostics.Metrics"/> instruments tagged with
/// <c>remote_name</c> and <c>url</c> on a meter whose name the owner chooses.
/// </summary>
internal sealed class RemoteWriteMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?> _remoteName;
    private readonly KeyValuePair<string, object?> _url;
    private readonly Counter<long> _samplesSent;
    private readonly Counter<long> _samplesDropped;
    private readonly Counter<long> _samplesRetried;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytesSent;

    private long _enqueued;
    private long _sent;
    private long _droppedQueueFull;
    private long _droppedRejected;
    private long _droppedTooOld;
    private long _droppedShutdown;
    private long _droppedRelabeled;
    private long _retried;
    private long _requestCount;
    private long _failedRequests;
    private long _bytes;
    private int _lastRejectedStatus;

    public RemoteWriteMetrics(string meterName, string remoteName, Uri url, IMeterFactory? meterFactory, Func<long> pendingSamples, int shards)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(meterName);
        if (meterFactory is null)
        {
            _meter = new Meter(meterName);
            _ownsMeter = true;
        }
        else
        {
            // One meter per queue (the factory shares meters by name and tags), so each queue's gauges keep their own callbacks.
            _meter = meterFactory.Create(new MeterOptions(meterName) { Tags = [new("remote_name", remoteName)] });
        }

        _remoteName = new("remote_name", remoteName);
        _url = new("url", $"{url.Scheme}://{url.Authority}{url.AbsolutePath}"); // no user info or query: they may hold secrets
        _samplesSent = _meter.CreateCounter<long>(RemoteWriteConstants.SamplesSentInstrument, description: "Samples accepted by the remote write receiver.");
        _samplesDropped = _meter.CreateCounter<long>(RemoteWriteConstants.SamplesDroppedInstrument,
            description: "Samples given up, by reason (queue_full, rejected, too_old, shutdown, write_relabel).");
        _samplesRetried = _meter.CreateCounter<long>(RemoteWriteConstants.SamplesRetriedInstrument, description: "Samples sent again after a retryable failure.");
        _requests = _meter.CreateCounter<long>(RemoteWriteConstants.RequestsInstrument, description: "Remote write requests, by status_code (or 'error' for timeouts and network errors).");
        _bytesSent = _meter.CreateCounter<long>(RemoteWriteConstants.BytesSentInstrument, "By", "Compressed request bytes accepted by the receiver.");
        _meter.CreateObservableGauge(RemoteWriteConstants.PendingSamplesInstrument,
            () => new Measurement<long>(pendingSamples(), _remoteName, _url), description: "Samples queued in the shards, not yet sent.");
        _meter.CreateObservableGauge(RemoteWriteConstants.ShardsInstrument,
            () => new Measurement<int>(shards, _remoteName, _url), description: "Shards (concurrent senders) of the queue.");
    }

    public string MeterName => _meter.Name;

    public void Enqueued(long samples) => Interlocked.Add(ref _enqueued, samples);

    public void Sent(int samples, int bytes)
    {
        Interlocked.Add(ref _sent, samples);
        Interlocked.Add(ref _bytes, bytes);
        _samplesSent.Add(samples, _remoteName, _url);
        _bytesSent.Add(bytes, _remoteName, _url);
    }

    public void Retried(int samples)
    {
        Interlocked.Add(ref _retried, samples);
        _samplesRetried.Add(samples, _remoteName, _url);
    }

    public void Request(int statusCode)
    {
        Interlocked.Increment(ref _requestCount);
        if (statusCode is < 200 or > 299)
        {
            Interlocked.Increment(ref _failedRequests);
        }

        var tags = new TagList { _remoteName, _url, { "status_code", statusCode == 0 ? "error" : StatusText(statusCode) } };
        _requests.Add(1, tags);
    }

    public void Dropped(string reason, long samples, int statusCode = 0)
    {
        switch (reason)
        {
            case RemoteWriteConstants.DropQueueFull:
                Interlocked.Add(ref _droppedQueueFull, samples);
                break;
            case RemoteWriteConstants.DropRejected:
                Interlocked.Add(ref _droppedRejected, samples);
                Volatile.Write(ref _lastRejectedStatus, statusCode);
                break;
            case RemoteWriteConstants.DropTooOld:
                Interlocked.Add(ref _droppedTooOld, samples);
                break;
            case RemoteWriteConstants.DropRelabeled:
                Interlocked.Add(ref _droppedRelabeled, samples);
                break;
            default:
                Interlocked.Add(ref _droppedShutdown, samples);
                break;
        }

        var tags = new TagList { _remoteName, _url, { "reason", reason } };
        _samplesDropped.Add(samples, tags);
    }

    public RemoteWriteCounters Snapshot() => new()
    {
        SamplesEnqueued = Interlocked.Read(ref _enqueued),
        SamplesSent = Interlocked.Read(ref _sent),
        SamplesDroppedQueueFull = Interlocked.Read(ref _droppedQueueFull),
        SamplesDroppedRejected = Interlocked.Read(ref _droppedRejected),
        SamplesDroppedTooOld = Interlocked.Read(ref _droppedTooOld),
        SamplesDroppedShutdown = Interlocked.Read(ref _droppedShutdown),
        SamplesDroppedByRelabeling = Interlocked.Read(ref _droppedRelabeled),
        SamplesRetried = Interlocked.Read(ref _retried),
        Requests = Interlocked.Read(ref _requestCount),
        FailedRequests = Interlocked.Read(ref _failedRequests),
        BytesSent = Interlocked.Read(ref _bytes),
        LastRejectedStatus = Volatile.Read(ref _lastRejectedStatus),
    };

    private static string StatusText(int statusCode) => statusCode switch
    {
        200 => "200",
        204 => "204",
        400 => "400",
        429 => "429",
        500 => "500",
        503 => "503",
        _ => statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
