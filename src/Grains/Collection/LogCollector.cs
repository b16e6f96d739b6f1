using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Discovery.Kubernetes;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Grains.Collection;

/// <summary>
/// The engine of a node collector for one <c>tail</c> input: reads lines from followed files,
/// decodes them, packs records into per-tenant-shard batches, sends them with a bounded number
/// in flight, and commits a file's offset only once every record before it is acknowledged.
/// When the bytes read but not acknowledged reach <c>mem_buf_limit</c>, reading pauses; when one
/// tenant's bytes reach that tenant's limit, only that tenant's files pause. Nothing is dropped.
/// Not thread-safe: one loop (<see cref="RunAsync"/>) owns it.
/// </summary>
public sealed partial class LogCollector : ILineSink, ILogRecordSink
{
    /// <summary>How long the loop waits when no file had anything new.</summary>
    public static readonly TimeSpan IdlePollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Least time between two rescans asked for by file events, so a burst of new files costs a few rescans, not one each.</summary>
    public static readonly TimeSpan MinEventRescanGap = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly string _node;
    private readonly TailInputConfig _input;
    private readonly LogsConfig _logs;
    private readonly FileTailer _tailer;
    private readonly FileChangeWatch? _watch;
    private readonly ILogBatchSender _sender;
    private readonly TenantDirectory _tenants;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ContainerLogDecoderOptions _decoderOptions;
    private readonly Dictionary<(string Tenant, int Shard), OpenBatch> _open = [];
    private readonly Dictionary<string, TenantBuffer> _tenantBuffers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sendingPerTenant = new(StringComparer.Ordinal);
    private readonly BatchBufferPool _buffers;
    private readonly List<InFlightBatch> _inFlight = [];
    private readonly KeyValuePair<string, object?> _nodeTag;
    private long _sequence;
    private long _bufferedBytes;
    private FollowedFile? _current;
    private DateTimeOffset _lastRescan = DateTimeOffset.MinValue;
    private DateTimeOffset? _pausedSince;
    private bool _scannedOnce;
    private readonly PodEnrichment? _enrichment;
    private DateTimeOffset? _startedAt;
    private bool _metadataWaitOver;
    private long _podVersion = -1;
    private long _unenrichedPending;
    private long _excludedPending;

    public LogCollector(
        string node,
        TailInputConfig input,
        LogsConfig logs,
        FileTailer tailer,
        ILogBatchSender sender,
        TenantDirectory tenants,
        PipelineMetrics metrics,
        TimeProvider time,
        ILogger logger,
        PodEnrichment? enrichment = null,
        FileChangeWatch? watch = null)
    {
        _watch = watch;
        _enrichment = enrichment;
        _metadataWaitOver = enrichment is null;
        _tenants = tenants;
        _node = node;
        _input = input;
        _logs = logs;
        _tailer = tailer;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _nodeTag = new("node", node);
        // A batch closes once it passes batch_size, so one record more (at most a maximal line) must fit.
        _buffers = new BatchBufferPool((int)(logs.BatchBytes + input.MaxLineSize + 4096), maxPooled: logs.MaxInFlightBatches + 8);
        _decoderOptions = new ContainerLogDecoderOptions { MaxRecordBytes = (int)Math.Min(input.MaxLineSize, int.MaxValue) };
    }

    public long RecordsRead { get; private set; }
    public long RecordsAcknowledged { get; private set; }
    public long BytesRead { get; private set; }

    /// <summary>Records left out because their pod asked so (<c>fluentbit.io/exclude</c>).</summary>
    public long RecordsExcluded { get; private set; }

    /// <summary>Records sent with only their file name's metadata although pod metadata was asked for.</summary>
    public long RecordsUnenriched { get; private set; }

    /// <summary>Bytes held in open and unacknowledged batches: what <c>mem_buf_limit</c> bounds.</summary>
    public long BufferedBytes => _bufferedBytes + OpenBytes();

    public bool Paused => _pausedSince is not null;

    /// <summary>How many times reading paused because the buffer was full (each pause ends when acknowledgements free room).</summary>
    public long Pauses { get; private set; }

    /// <summary>The most bytes ever held at once (the outage tests check it never passed the limit).</summary>
    public long PeakBufferedBytes { get; private set; }
    public int InFlightBatches => _inFlight.Count;

    /// <summary>State as of the end of the last step; safe to read from any thread (metrics, status calls).</summary>
    public CollectorStatus Status => _status;

    private volatile CollectorStatus _status = new() { Node = "", Silo = "" };

    /// <summary>Every followed file read to its end, nothing half-joined, every record acknowledged.</summary>
    public bool Drained =>
        _scannedOnce && _inFlight.Count == 0 && OpenBytes() == 0 && _tailer.AllAtEof &&
        _tailer.Files.All(f => f.State is not FollowedFile s || s.PendingStartOffset == long.MaxValue);

    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var progressed = await StepAsync();
            if (!progressed)
            {
                await WaitAsync(cancellation);
            }
        }
    }

    /// <summary>One round: rescan when due, read while the buffer allows, send, take acknowledgements. True when anything moved.</summary>
    public async Task<bool> StepAsync()
    {
        // Events from now on end the next idle wait.
        _watch?.Arm();
        var now = _time.GetUtcNow();
        if (!_metadataWaitOver && !MetadataWaitOver(now))
        {
            // The first lines should carry pod metadata: wait (bounded) for the first pod list before following files.
            Publish();
            return false;
        }

        var sinceRescan = now - _lastRescan;
        var timed = sinceRescan >= _input.RefreshInterval;
        if (timed || (sinceRescan >= MinEventRescanGap && (_tailer.RescanWanted || (_watch is not null && _watch.TakeFilesChanged()))))
        {
            if (timed)
            {
                _watch?.EnsureWatching();
            }

            _tailer.Rescan();

            // New files got checkpoints at their start offset: on disk now, so a crash from here on cannot skip them.
            _tailer.FlushCheckpoints();
            _lastRescan = now;
            _scannedOnce = true;
        }

        RefreshPodMetadata();
        var progressed = CollectCompleted();
        var read = ReadFiles();
        CommitDropped();
        progressed |= read > 0;

        now = _time.GetUtcNow();
        foreach (var file in _tailer.Files)
        {
            if (file.State is FollowedFile followed)
            {
                _current = followed;
                followed.FlushExpired();
                if (file.AtEof && (file.IsRotatedOut || _input.ExitOnEof) && followed.PendingStartOffset != long.MaxValue)
                {
                    // A file that will not grow again (rotated away), or the last read before exit_on_eof: emit the half-joined line.
                    followed.FlushAll();
                }
            }
        }

        _current = null;
        foreach (var open in _open.Values)
        {
            if (open.Writer.Count > 0 && (open.Writer.Length >= _logs.BatchBytes || now - open.OpenedAt >= _logs.FlushInterval || read == 0))
            {
                Close(open);
                progressed = true;
            }
        }

        progressed |= SendDue(now);
        if (CollectCompleted())
        {
            progressed = true;
        }

        // Paused as a whole: nothing can move until an acknowledgement comes, so wait for one here.
        if (Paused)
        {
            var sending = _inFlight.Where(b => b.Sending is not null).Select(b => (Task)b.Sending!).ToList();
            if (sending.Count > 0)
            {
                await Task.WhenAny(sending);
                progressed |= CollectCompleted();
            }
        }

        FlushEnrichmentCounts();
        Publish();
        return progressed;
    }

    private bool MetadataWaitOver(DateTimeOffset now)
    {
        var enrichment = _enrichment!;
        _startedAt ??= now;
        if (!enrichment.Ready && now - _startedAt.Value < enrichment.Config.StartupWait)
        {
            return false;
        }

        if (!enrichment.Ready)
        {
            LogMetadataNotReady(_logger, _node, enrichment.Config.StartupWait.TotalSeconds);
        }

        _metadataWaitOver = true;
        return true;
    }

    /// <summary>When the pod cache changed, gives each followed file its pod's current metadata and exclusions.</summary>
    private void RefreshPodMetadata()
    {
        if (_enrichment is null || _enrichment.Pods.Version == _podVersion)
        {
            return;
        }

        _podVersion = _enrichment.Pods.Version;
        foreach (var file in _tailer.Files)
        {
            if (file.State is FollowedFile followed)
            {
                Enrich(followed);
            }
        }
    }

    /// <summary>
    /// Adds the pod's metadata to a file's source (a new source object, so batches already holding the
    /// old one keep it). A pod no longer known leaves the last metadata in place: a deleted pod's files
    /// are still read to their end, and their records keep their labels.
    /// </summary>
    private void Enrich(FollowedFile file)
    {
        var enrichment = _enrichment!;
        var path = file.PathSource;
        var pod = enrichment.Pods.Find(path.Namespace, path.PodName, path.PodId, path.ContainerId);
        if (pod is null || ReferenceEquals(pod, file.Pod))
        {
            file.CountsUnenriched = file.Pod is null;
            return;
        }

        var container = path.ContainerName is { } name && pod.Containers.TryGetValue(name, out var named)
            ? named
            : path.ContainerId is { } id ? pod.Containers.Values.FirstOrDefault(c => c.ContainerId == id) : null;
        file.Pod = pod;
        file.CountsUnenriched = false;
        file.Source = path with
        {
            FileKey = file.Tailed.FileKey,
            Path = file.Tailed.Path,
            Namespace = pod.Namespace,
            PodName = pod.Name,
            PodId = pod.Uid,
            ContainerName = container?.Name ?? path.ContainerName,
            ContainerId = path.ContainerId ?? container?.ContainerId,
            Labels = enrichment.Config.Labels ? pod.Labels : null,
            Annotations = enrichment.Config.Annotations ? pod.Annotations : null,
            ContainerImage = container?.Image,
            ContainerHash = container?.ImageId,
            Enriched = true,
        };

        var excluded = enrichment.Config.Exclude ? pod.ExcludedStreams(container?.Name ?? path.ContainerName) : PodLogExclusion.None;
        if (excluded == PodLogExclusion.All && file.Excluded != PodLogExclusion.All && file.PendingStartOffset != long.MaxValue)
        {
            // Lines half-joined before the pod asked to be left out are let through, so nothing holds the offset back.
            var current = _current;
            _current = file;
            file.FlushAll();
            _current = current;
        }

        if (excluded != file.Excluded)
        {
            LogExclusionChanged(_logger, _node, file.Tailed.Path, excluded.ToString());
        }

        file.Excluded = excluded;
    }

    /// <summary>
    /// Files whose records were left out and that have nothing in flight or half-joined: their read
    /// position is committed as it is, so a restart does not read the left-out lines again.
    /// </summary>
    private void CommitDropped()
    {
        var committed = false;
        foreach (var file in _tailer.Files)
        {
            if (file.State is FollowedFile { DroppedSinceCommit: true } followed && followed.Unacknowledged.Count == 0 && !followed.InOpenBatch
                && followed.PendingStartOffset == long.MaxValue && followed.Tailed.FileKey == followed.Source.FileKey)
            {
                followed.DroppedSinceCommit = false;
                _tailer.Commit(followed.Tailed, followed.Tailed.Position);
                committed = true;
            }
        }

        if (committed)
        {
            _tailer.FlushCheckpoints();
        }
    }

    private void FlushEnrichmentCounts()
    {
        if (_unenrichedPending > 0)
        {
            _metrics.UnenrichedRecords.Add(_unenrichedPending, _nodeTag);
            RecordsUnenriched += _unenrichedPending;
            _unenrichedPending = 0;
        }

        if (_excludedPending > 0)
        {
            _metrics.ExcludedRecords.Add(_excludedPending, _nodeTag);
            RecordsExcluded += _excludedPending;
            _excludedPending = 0;
        }
    }

    private async Task WaitAsync(CancellationToken cancellation)
    {
        var waits = new List<Task>(_inFlight.Count + 2) { Task.Delay(IdlePollInterval, _time, cancellation) };
        if (_watch is not null)
        {
            waits.Add(_watch.Changed);
        }

        foreach (var batch in _inFlight)
        {
            if (batch.Sending is not null)
            {
                waits.Add(batch.Sending);
            }
        }

        try
        {
            await Task.WhenAny(waits);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Publish() => _status = new CollectorStatus
    {
        Node = _node,
        Silo = "",
        FilesFollowed = _tailer.Files.Count,
        RecordsRead = RecordsRead,
        RecordsAcknowledged = RecordsAcknowledged,
        BufferedBytes = BufferedBytes,
        PeakBufferedBytes = PeakBufferedBytes,
        Paused = Paused,
        Drained = Drained,
        FilesExcluded = ExcludedFiles(),
        RecordsExcluded = RecordsExcluded,
        RecordsUnenriched = RecordsUnenriched,
        Ready = _scannedOnce,
        NotReadyReason = _scannedOnce ? null : _metadataWaitOver ? "the first scan of the input's paths has not run yet" : "waiting for the first pod list from the Kubernetes API before the first scan",
        Tenants = [.. _tenantBuffers.Select(t => new TenantBufferStatus
        {
            Tenant = t.Key,
            BufferedBytes = t.Value.Bytes,
            PeakBufferedBytes = t.Value.PeakBytes,
            Limit = t.Value.Limit,
            Paused = t.Value.PausedSince is not null,
        })],
    };

    private int ExcludedFiles()
    {
        if (_enrichment is null)
        {
            return 0;
        }

        var count = 0;
        foreach (var file in _tailer.Files)
        {
            if (file.State is FollowedFile { Excluded: PodLogExclusion.All })
            {
                count++;
            }
        }

        return count;
    }

    private long OpenBytes()
    {
        long total = 0;
        foreach (var open in _open.Values)
        {
            total += open.Writer.Length;
        }

        return total;
    }

    private int ReadFiles()
    {
        var total = 0;
        foreach (var file in _tailer.Files)
        {
            if (!UpdatePause())
            {
                break;
            }

            if (file.State is FollowedFile { } followed && !UpdateTenantPause(TenantBufferOf(followed.Tenant)))
            {
                continue;
            }

            var read = _tailer.Read(file, this, (int)Math.Min(_logs.BatchBytes, int.MaxValue));
            total += read;
            foreach (var open in _open.Values)
            {
                if (open.Writer.Length >= _logs.BatchBytes)
                {
                    Close(open);
                }
            }

            SendDue(_time.GetUtcNow());
        }

        if (total > 0)
        {
            BytesRead += total;
            _metrics.InputBytes.Add(total, _nodeTag);
        }

        return total;
    }

    private TenantBuffer TenantBufferOf(string tenant)
    {
        if (!_tenantBuffers.TryGetValue(tenant, out var buffer))
        {
            buffer = new TenantBuffer(tenant, _tenants.MemBufLimit(tenant));
            _tenantBuffers.Add(tenant, buffer);
        }

        return buffer;
    }

    /// <summary>Starts or ends a pause of one tenant's files by its own limit; true while they may be read.</summary>
    private bool UpdateTenantPause(TenantBuffer buffer)
    {
        var full = buffer.Bytes >= buffer.Limit;
        var now = _time.GetUtcNow();
        if (full && buffer.PausedSince is null)
        {
            buffer.PausedSince = now;
        }
        else if (!full && buffer.PausedSince is { } since)
        {
            _metrics.TenantPausedSeconds.Add((now - since).TotalSeconds, _nodeTag, new("tenant", buffer.Tenant));
            buffer.PausedSince = null;
        }

        return !full;
    }

    /// <summary>Starts or ends a pause by the buffer limit; true while reading may go on.</summary>
    private bool UpdatePause()
    {
        var full = BufferedBytes >= _input.MemBufLimit;
        var now = _time.GetUtcNow();
        if (full && _pausedSince is null)
        {
            _pausedSince = now;
            Pauses++;
            LogPaused(_logger, _node, BufferedBytes, _input.MemBufLimit);
        }
        else if (!full && _pausedSince is { } since)
        {
            _metrics.InputPausedSeconds.Add((now - since).TotalSeconds, _nodeTag);
            _pausedSince = null;
            LogResumed(_logger, _node, (now - since).TotalSeconds);
        }

        return !full;
    }

    void ILineSink.OnLine(TailedFile file, ReadOnlySpan<byte> line, long offset, long nextOffset, bool truncated)
    {
        var followed = file.State as FollowedFile ?? Follow(file);
        if (followed.Source.FileKey != file.FileKey)
        {
            followed.Source = followed.Source with { FileKey = file.FileKey, Path = file.Path };
        }

        if (followed.Excluded == PodLogExclusion.All)
        {
            // The pod asked not to be collected: its lines are not even decoded.
            _excludedPending++;
            followed.DroppedSinceCommit = true;
            return;
        }

        _current = followed;
        followed.Decoder.Decode(line, offset, nextOffset, truncated, followed.Sink);
        _current = null;
    }

    void ILogRecordSink.Append(long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
    {
        var file = _current ?? throw new InvalidOperationException("A record arrived outside of a file read.");
        if (file.Excluded != PodLogExclusion.None && ((int)file.Excluded & (1 << (int)stream)) != 0)
        {
            _excludedPending++;
            file.DroppedSinceCommit = true;
            return;
        }

        if (file.CountsUnenriched)
        {
            _unenrichedPending++;
        }

        var key = (file.Tenant, file.Shard);
        if (!_open.TryGetValue(key, out var open))
        {
            open = new OpenBatch(file.Tenant, file.Shard, _buffers);
            _open.Add(key, open);
        }

        if (open.Writer.Count == 0)
        {
            open.OpenedAt = _time.GetUtcNow();
        }

        if (!file.InOpenBatch)
        {
            file.InOpenBatch = true;
            open.Files.Add(file);
        }

        var before = open.Writer.Length;
        open.Writer.Append(file.Source, offset, timeUnixNanos, stream, flags, message);
        var tenant = open.Buffer ??= TenantBufferOf(file.Tenant);
        tenant.Add(open.Writer.Length - before);
        PeakBufferedBytes = Math.Max(PeakBufferedBytes, _bufferedBytes + OpenBytes());
        RecordsRead++;
        if (flags != LogRecordFlags.None)
        {
            CountProblems(flags);
        }
    }

    private void CountProblems(LogRecordFlags flags)
    {
        if ((flags & LogRecordFlags.Truncated) != 0)
        {
            _metrics.InputProblems.Add(1, _nodeTag, new("reason", "truncated"));
        }

        if ((flags & LogRecordFlags.Unparsed) != 0)
        {
            _metrics.InputProblems.Add(1, _nodeTag, new("reason", "unparsed"));
        }

        if ((flags & LogRecordFlags.Utf8Repaired) != 0)
        {
            _metrics.InputProblems.Add(1, _nodeTag, new("reason", "utf8_repaired"));
        }

        if ((flags & LogRecordFlags.Incomplete) != 0)
        {
            _metrics.InputProblems.Add(1, _nodeTag, new("reason", "incomplete"));
        }
    }

    private FollowedFile Follow(TailedFile file)
    {
        _ = KubernetesLogPath.TryParse(file.Path, out var info);
        var source = new LogSource
        {
            FileKey = file.FileKey,
            Path = file.Path,
            Namespace = info?.Namespace,
            PodName = info?.PodName,
            PodId = info?.PodId,
            ContainerName = info?.ContainerName,
            ContainerId = info?.ContainerId,
            Host = _node,
        };
        var followed = new FollowedFile(file, source, TenantDirectory.UnknownTenant, ShardOf(file.Path), new ContainerLogDecoder(_decoderOptions, _time)) { Sink = this };
        if (_enrichment is not null)
        {
            // Before the tenant is chosen: a docker path names no namespace, its pod does.
            followed.CountsUnenriched = true;
            Enrich(followed);
            source = followed.Source;
        }

        followed.Tenant = _tenants.Resolve(source.Namespace);
        if (MultilineFor(source) is { } multiline)
        {
            followed.Joiner = new MultilineJoiner(multiline, this, _time);
            followed.Sink = followed.Joiner;
        }

        file.State = followed;
        return followed;
    }

    /// <summary>
    /// The first <c>multiline</c> filter whose selector matches the file, chosen when the file is first
    /// followed: by tag, namespace, or pod labels when <c>logs.kubernetes</c> knew the pod by then.
    /// </summary>
    private MultilineOptions? MultilineFor(LogSource source)
    {
        if (_logs.Multiline.Count == 0)
        {
            return null;
        }

        var probe = new LogEvent(_tenants.Resolve(source.Namespace), source, 0, 0, LogStream.Stdout, LogRecordFlags.None, string.Empty);
        return _logs.Multiline.FirstOrDefault(m => m.Selector.Matches(probe))?.Options;
    }

    /// <summary>A file always goes to the same shard (by its path), so its records reach the store in order.</summary>
    private int ShardOf(string path) =>
        _logs.ShardsPerTenant == 1 ? 0 : (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(path)) % (uint)_logs.ShardsPerTenant);

    private void Close(OpenBatch open)
    {
        var batch = open.Writer.Build(open.Tenant, _node, ++_sequence);
        var inFlight = new InFlightBatch(batch, open.Shard, [.. open.Files]);
        open.Files.Clear();
        foreach (var file in inFlight.Files)
        {
            // Resume before any half-joined line; records between it and Position are replayed and deduplicated by id.
            var resume = Math.Min(file.PendingStartOffset, file.Tailed.Position);
            file.Unacknowledged.Enqueue((inFlight, file.Tailed.FileKey, resume));
            file.InOpenBatch = false;
        }

        _bufferedBytes += batch.Payload.Length;
        _metrics.InputRecords.Add(batch.Count, _nodeTag);
        _inFlight.Add(inFlight);
    }

    /// <summary>
    /// Sends every batch that is due, at most <c>max_in_flight_batches</c> at once per tenant, so a
    /// tenant whose store is stuck holds its own slots and never another tenant's.
    /// </summary>
    private bool SendDue(DateTimeOffset now)
    {
        var sent = false;
        _sendingPerTenant.Clear();
        foreach (var batch in _inFlight)
        {
            if (batch.Sending is not null)
            {
                _sendingPerTenant[batch.Batch.Tenant] = _sendingPerTenant.GetValueOrDefault(batch.Batch.Tenant) + 1;
            }
        }

        foreach (var batch in _inFlight)
        {
            var tenant = batch.Batch.Tenant;
            var sending = _sendingPerTenant.GetValueOrDefault(tenant);
            if (batch.Sending is null && batch.RetryAt <= now && sending < _logs.MaxInFlightBatches)
            {
                batch.Attempts++;
                batch.Sending = _sender.SendAsync(tenant, batch.Shard, batch.Batch);
                _metrics.BatchesSent.Add(1, _nodeTag);
                _sendingPerTenant[tenant] = sending + 1;
                sent = true;
            }
        }

        return sent;
    }

    private bool CollectCompleted()
    {
        var any = false;
        var committed = false;
        for (var i = 0; i < _inFlight.Count; i++)
        {
            var batch = _inFlight[i];
            if (batch.Sending is not { IsCompleted: true } task)
            {
                continue;
            }

            any = true;
            batch.Sending = null;
            var result = task.IsCompletedSuccessfully ? task.Result : DeliveryResult.Failed(task.Exception?.GetBaseException().Message ?? "cancelled");
            if (!result.Delivered)
            {
                var delay = RetryDelay(batch.Attempts);
                batch.RetryAt = _time.GetUtcNow() + delay;
                _metrics.BatchesFailed.Add(1, _nodeTag);
                LogDeliveryFailed(_logger, batch.Batch.Sequence, batch.Batch.Tenant, batch.Shard, batch.Attempts, delay.TotalMilliseconds, result.Error);
                continue;
            }

            batch.Acknowledged = true;
            RecordsAcknowledged += batch.Batch.Count;
            _bufferedBytes -= batch.Batch.Payload.Length;
            TenantBufferOf(batch.Batch.Tenant).Add(-batch.Batch.Payload.Length);
            _buffers.Return(batch.Batch);
            _inFlight.RemoveAt(i);
            i--;
            committed |= CommitAcknowledged(batch);
        }

        if (committed)
        {
            _tailer.FlushCheckpoints();
        }

        return any;
    }

    private bool CommitAcknowledged(InFlightBatch batch)
    {
        var committed = false;
        foreach (var file in batch.Files)
        {
            long? resume = null;
            string? key = null;
            while (file.Unacknowledged.TryPeek(out var entry) && entry.Batch.Acknowledged)
            {
                file.Unacknowledged.Dequeue();
                resume = entry.ResumeOffset;
                key = entry.FileKey;
            }

            if (resume is null)
            {
                continue;
            }

            // After copytruncate the file has a new key; an offset of the old content must not be committed under it.
            if (file.Tailed.FileKey == key)
            {
                _tailer.Commit(file.Tailed, resume.Value);
                committed = true;
            }
        }

        return committed;
    }

    private static TimeSpan RetryDelay(int attempts)
    {
        var exponential = MinRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 16));
        var capped = Math.Min(exponential, MaxRetryDelay.TotalMilliseconds);
        // Full jitter keeps many collectors from retrying in step after an outage.
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Collector {Node}: no pod metadata after waiting {Seconds:F0}s for the Kubernetes API; reading on, records carry their file name's metadata until the pods are listed")]
    private static partial void LogMetadataNotReady(ILogger logger, string node, double seconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Collector {Node}: {Path} now leaves out streams '{Excluded}' as its pod's fluentbit.io/exclude annotations ask")]
    private static partial void LogExclusionChanged(ILogger logger, string node, string path, string excluded);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Collector {Node}: buffer full ({Buffered} of {Limit} bytes), reading paused until batches are acknowledged")]
    private static partial void LogPaused(ILogger logger, string node, long buffered, long limit);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Collector {Node}: reading resumed after {Seconds:F1}s paused")]
    private static partial void LogResumed(ILogger logger, string node, double seconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Batch {Sequence} for {Tenant}/{Shard} not delivered (attempt {Attempts}), retrying in {DelayMs:F0} ms: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, long sequence, string tenant, int shard, int attempts, double delayMs, string? error);
}
