using System.Runtime.CompilerServices;
using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The embedded metric store of one silo: every sample the silo's grains produce (scrapes, container
/// metrics, log_to_metrics) is appended here directly, compressed in chunks of
/// <see cref="MetricStoreOptions.ChunkSamples"/> samples (see <see cref="ChunkEncoder"/>), kept for
/// <see cref="MetricStoreOptions.Retention"/> within <see cref="MetricStoreOptions.MemoryLimitBytes"/>,
/// and read through <see cref="ISeriesSource"/> by the query engine.
/// </summary>
/// <remarks>
/// <para>Locking. A producer's series object is looked up by reference first (a weak table, so a series the
/// producer dropped does not stay); a new one is decoded and looked up by content in one of 64 shards, each with its
/// own lock, and only a series never seen takes the index's write lock. Appending to a known series locks
/// that series alone, so appenders of different series never wait for each other. A query takes the
/// index's read lock to find its series, then each series' lock only to copy a reference to its closed
/// chunks (never changed in place) and the few hundred bytes of its head; decoding runs outside any lock.</para>
/// <para>Retention and the memory limit run on whichever appender first notices they are due (at most one
/// at a time; the others go on), or when called. Retention drops whole chunks whose last sample is older
/// than now minus the window, and series left with nothing. Over the memory limit, the oldest closed
/// chunks of all series go first until memory is 10 % under the limit; head chunks are never evicted.</para>
/// </remarks>
public sealed class MetricStore : ISeriesSource, IDisposable
{
    private const int ShardCount = 64;
    private const int InitialHeadBytes = 64;

    private readonly MetricStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly long _retentionMs;
    private readonly long _chunkSpanMs;
    private readonly long _retentionCheckMs;
    private readonly Dictionary<RemoteWriteLabel[], StoredSeries>[] _shards;
    private readonly ConditionalWeakTable<object, StoredSeries> _byReference = new();
    private readonly PostingsIndex _index = new();
    private readonly Lock _maintenance = new();

    private long _appended;
    private long _duplicatesIgnored;
    private long _outOfOrder;
    private long _duplicateTimestamp;
    private long _tooOld;
    private long _retentionChunks;
    private long _retentionSamples;
    private long _evictedChunks;
    private long _evictedSamples;
    private long _seriesCreated;
    private long _seriesRemoved;

    private long _samples;
    private long _closedChunks;
    private long _encodedBytes;
    private long _chunkMemory;

    private long _nextRetentionMs;
    private long _nextEvictionBytes;

    public MetricStore(MetricStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new MetricStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _retentionMs = (long)options.Retention.TotalMilliseconds;
        _chunkSpanMs = (long)options.ChunkMaxSpan.TotalMilliseconds;
        _retentionCheckMs = Math.Min(60_000, _retentionMs / 4);
        _nextEvictionBytes = options.MemoryLimitBytes;
        _shards = new Dictionary<RemoteWriteLabel[], StoredSeries>[ShardCount];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Dictionary<RemoteWriteLabel[], StoredSeries>(LabelArrayComparer.Instance);
        }
    }

    public MetricStoreOptions Options => _options;

    /// <summary>
    /// Stores samples (any number of series, any order of series; each series' samples in time order).
    /// Thread-safe. Refused samples are counted by reason (<see cref="Counters"/>), never thrown.
    /// </summary>
    public void Append(ReadOnlySpan<RemoteWriteSample> samples)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var oldestAccepted = nowMs - _retentionMs;
        long appended = 0, ignored = 0, outOfOrder = 0, duplicate = 0, tooOld = 0;
        long encoded = 0, memory = 0, closed = 0;
        object? lastSeries = null;
        StoredSeries? series = null;
        foreach (var sample in samples)
        {
            if (sample.TimestampMs < oldestAccepted)
            {
                tooOld++;
                continue;
            }

            // Producers hand the same series object for consecutive samples of a series: skip even the weak-table lookup.
            if (!ReferenceEquals(sample.Series.Identity, lastSeries) || series is null)
            {
                series = Resolve(sample.Series);
                lastSeries = sample.Series.Identity;
            }

            AppendOutcome outcome;
            while (true)
            {
                lock (series)
                {
                    if (!series.Removed)
                    {
                        var encodedBefore = series.EncodedBytes;
                        var memoryBefore = series.MemoryBytes;
                        var closedBefore = series.Closed.Length;
                        outcome = series.Append(sample.TimestampMs, sample.Value, _options.ChunkSamples, _chunkSpanMs);
                        if (outcome == AppendOutcome.Appended)
                        {
                            encoded += series.EncodedBytes - encodedBefore;
                            memory += series.MemoryBytes - memoryBefore;
                            closed += series.Closed.Length - closedBefore;
                        }

                        break;
                    }
                }

                // Retention or eviction emptied it since we found it: find (or create) its successor.
                series = ResolveByContent(sample.Series.DecodeLabels());
                _byReference.AddOrUpdate(sample.Series.Identity!, series);
            }

            switch (outcome)
            {
                case AppendOutcome.Appended:
                    appended++;
                    break;
                case AppendOutcome.DuplicateIgnored:
                    ignored++;
                    break;
                case AppendOutcome.OutOfOrder:
                    outOfOrder++;
                    break;
                default:
                    duplicate++;
                    break;
            }
        }

        Add(ref _appended, appended);
        Add(ref _samples, appended);
        Add(ref _duplicatesIgnored, ignored);
        Add(ref _outOfOrder, outOfOrder);
        Add(ref _duplicateTimestamp, duplicate);
        Add(ref _tooOld, tooOld);
        Add(ref _encodedBytes, encoded);
        Add(ref _chunkMemory, memory);
        Add(ref _closedChunks, closed);
        MaintainIfDue(nowMs);
    }

    /// <summary>Counts since start.</summary>
    public MetricStoreCounters Counters => new(
        Interlocked.Read(ref _appended),
        Interlocked.Read(ref _duplicatesIgnored),
        Interlocked.Read(ref _outOfOrder),
        Interlocked.Read(ref _duplicateTimestamp),
        Interlocked.Read(ref _tooOld),
        Interlocked.Read(ref _retentionChunks),
        Interlocked.Read(ref _retentionSamples),
        Interlocked.Read(ref _evictedChunks),
        Interlocked.Read(ref _evictedSamples),
        Interlocked.Read(ref _seriesCreated),
        Interlocked.Read(ref _seriesRemoved));

    /// <summary>Size now: series, samples, bytes, and the figures per sample and per series.</summary>
    public MetricStoreStats Stats() => new(
        _index.SeriesCount,
        Interlocked.Read(ref _samples),
        Interlocked.Read(ref _closedChunks),
        Interlocked.Read(ref _encodedBytes),
        Interlocked.Read(ref _chunkMemory),
        _index.EstimatedBytes);

    /// <summary>
    /// Drops the chunks whose last sample is older than now minus the retention, and the series left with
    /// nothing. Appends run it on their own about once a minute; returns the series removed.
    /// </summary>
    public int ApplyRetention()
    {
        lock (_maintenance)
        {
            return ApplyRetentionLocked(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>When memory is over the limit, evicts the oldest closed chunks until it is 10 % under. Appends run it when needed.</summary>
    public void EnforceMemoryLimit()
    {
        lock (_maintenance)
        {
            EnforceMemoryLimitLocked();
        }
    }

    public ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var selected = _index.Select(matchers);
        selected.Sort((a, b) => LabelArrayComparer.Instance.Compare(a.Labels, b.Labels));
        var result = new List<SeriesSamples>(selected.Count);
        var reader = new SeriesReader();
        foreach (var series in selected)
        {
            cancellation.ThrowIfCancellationRequested();
            var samples = reader.Read(series, minMs, maxMs);
            if (samples is not null)
            {
                result.Add(samples);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<SeriesSamples>>(result);
    }

    public ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        var names = new List<string>();
        if (matchers is null || matchers.Count == 0)
        {
            foreach (var (name, values) in _index.Names(null))
            {
                cancellation.ThrowIfCancellationRequested();
                if (AnyInRange(values, minMs, maxMs))
                {
                    names.Add(name);
                }
            }
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var series in _index.Select(matchers))
            {
                cancellation.ThrowIfCancellationRequested();
                if (SeriesReader.HasSampleIn(series, minMs, maxMs))
                {
                    foreach (var label in series.Labels)
                    {
                        seen.Add(label.Name);
                    }
                }
            }

            names.AddRange(seen);
        }

        names.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(names);
    }

    public ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new List<string>();
        if (matchers is null || matchers.Count == 0)
        {
            foreach (var (_, byValue) in _index.Names(name))
            {
                foreach (var (value, series) in byValue)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (AnyInRange([(value, series)], minMs, maxMs))
                    {
                        values.Add(value);
                    }
                }
            }
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var series in _index.Select(matchers))
            {
                cancellation.ThrowIfCancellationRequested();
                var value = series.Get(name);
                if (value.Length > 0 && !seen.Contains(value) && SeriesReader.HasSampleIn(series, minMs, maxMs))
                {
                    seen.Add(value);
                }
            }

            values.AddRange(seen);
        }

        values.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(values);
    }

    public void Dispose() => _index.Dispose();

    private static bool AnyInRange(List<(string Value, StoredSeries[] Series)> values, long minMs, long maxMs)
    {
        foreach (var (_, series) in values)
        {
            foreach (var one in series)
            {
                if (SeriesReader.HasSampleIn(one, minMs, maxMs))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void Add(ref long counter, long amount)
    {
        if (amount != 0)
        {
            Interlocked.Add(ref counter, amount);
        }
    }

    private StoredSeries Resolve(RemoteWriteSeries sample)
    {
        var identity = sample.Identity!;
        if (_byReference.TryGetValue(identity, out var series) && !series.Removed)
        {
            return series;
        }

        series = ResolveByContent(sample.DecodeLabels());
        _byReference.AddOrUpdate(identity, series);
        return series;
    }

    private StoredSeries ResolveByContent(RemoteWriteLabel[] labels)
    {
        var key = IsNormalized(labels) ? labels : Normalize(labels);
        var shard = ShardOf(key);
        lock (shard)
        {
            if (shard.TryGetValue(key, out var series) && !series.Removed)
            {
                return series;
            }

            series = _index.Add(key, InitialHeadBytes);
            Add(ref _chunkMemory, series.MemoryBytes);
            Interlocked.Increment(ref _seriesCreated);
            // The key is the series' own (interned) array: the producer's may be changed or dropped.
            shard[series.Labels] = series;
            return series;
        }
    }

    private Dictionary<RemoteWriteLabel[], StoredSeries> ShardOf(RemoteWriteLabel[] labels) =>
        _shards[LabelArrayComparer.Instance.GetHashCode(labels) & (ShardCount - 1)];

    // Sorted by name, names unique, no empty value: what Prometheus stores.
    private static bool IsNormalized(RemoteWriteLabel[] labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (string.IsNullOrEmpty(labels[i].Value) || (i > 0 && string.CompareOrdinal(labels[i - 1].Name, labels[i].Name) >= 0))
            {
                return false;
            }
        }

        return true;
    }

    private static RemoteWriteLabel[] Normalize(RemoteWriteLabel[] labels)
    {
        var sorted = new List<RemoteWriteLabel>(labels.Length);
        foreach (var label in labels)
        {
            if (!string.IsNullOrEmpty(label.Value))
            {
                sorted.Add(label);
            }
        }

        // Stable, so of two labels with one name the later (as relabeling writes) is kept below.
        var ordered = sorted.OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        var unique = new List<RemoteWriteLabel>(ordered.Count);
        foreach (var label in ordered)
        {
            if (unique.Count > 0 && string.Equals(unique[^1].Name, label.Name, StringComparison.Ordinal))
            {
                unique[^1] = label;
            }
            else
            {
                unique.Add(label);
            }
        }

        return [.. unique];
    }

    private void MaintainIfDue(long nowMs)
    {
        var retentionDue = nowMs >= Interlocked.Read(ref _nextRetentionMs);
        var overLimit = Interlocked.Read(ref _chunkMemory) + _index.EstimatedBytes > Interlocked.Read(ref _nextEvictionBytes);
        if ((!retentionDue && !overLimit) || !_maintenance.TryEnter())
        {
            return;
        }

        try
        {
            if (nowMs >= _nextRetentionMs)
            {
                ApplyRetentionLocked(nowMs);
            }

            EnforceMemoryLimitLocked();
        }
        finally
        {
            _maintenance.Exit();
        }
    }

    private int ApplyRetentionLocked(long nowMs)
    {
        Interlocked.Exchange(ref _nextRetentionMs, nowMs + _retentionCheckMs);
        var cutoff = nowMs - _retentionMs;
        var removed = new List<StoredSeries>();
        foreach (var series in _index.All())
        {
            // Chunks are in time order: a series whose first closed chunk is young has nothing to drop.
            var first = series.Closed;
            if (first.Length > 0 && first[0].MaxTimestampMs >= cutoff)
            {
                continue;
            }

            lock (series)
            {
                if (series.Removed)
                {
                    continue;
                }

                var (chunks, samples) = Drop(series, cutoff - 1, includeHead: true, removed);
                Add(ref _retentionChunks, chunks);
                Add(ref _retentionSamples, samples);
            }
        }

        RemoveSeries(removed);
        return removed.Count;
    }

    private void EnforceMemoryLimitLocked()
    {
        var limit = _options.MemoryLimitBytes;
        var total = Interlocked.Read(ref _chunkMemory) + _index.EstimatedBytes;
        if (total <= limit)
        {
            Interlocked.Exchange(ref _nextEvictionBytes, limit);
            return;
        }

        // The oldest closed chunks first, across all series, until 10 % under the limit.
        var excess = total - (limit - (limit / 10));
        var all = _index.All();
        var chunks = new List<(long MaxTimestampMs, int Bytes)>();
        foreach (var series in all)
        {
            foreach (var chunk in series.Closed)
            {
                chunks.Add((chunk.MaxTimestampMs, chunk.Data.Length + MemoryEstimate.PerClosedChunk));
            }
        }

        chunks.Sort((a, b) => a.MaxTimestampMs.CompareTo(b.MaxTimestampMs));
        long freed = 0;
        var cutoff = long.MinValue;
        foreach (var (maxTimestampMs, bytes) in chunks)
        {
            if (freed >= excess)
            {
                break;
            }

            freed += bytes;
            cutoff = maxTimestampMs;
        }

        var removed = new List<StoredSeries>();
        if (cutoff != long.MinValue)
        {
            foreach (var series in all)
            {
                var closed = series.Closed;
                if (closed.Length == 0 || closed[0].MaxTimestampMs > cutoff)
                {
                    continue;
                }

                lock (series)
                {
                    if (series.Removed)
                    {
                        continue;
                    }

                    var (dropped, samples) = Drop(series, cutoff, includeHead: false, removed);
                    Add(ref _evictedChunks, dropped);
                    Add(ref _evictedSamples, samples);
                }
            }
        }

        RemoveSeries(removed);
        // Heads and the index cannot be evicted: if they alone are over, do not rescan on every append.
        var after = Interlocked.Read(ref _chunkMemory) + _index.EstimatedBytes;
        Interlocked.Exchange(ref _nextEvictionBytes, Math.Max(limit, after + (limit / 20)));
    }

    // Drops chunks of a series (its lock held) and keeps the totals right; an emptied series is marked removed.
    private (int Chunks, long Samples) Drop(StoredSeries series, long maxTimestampMs, bool includeHead, List<StoredSeries> removed)
    {
        var encodedBefore = series.EncodedBytes;
        var memoryBefore = series.MemoryBytes;
        var closedBefore = series.Closed.Length;
        var (chunks, samples) = series.DropThrough(maxTimestampMs, includeHead);
        // Only what this drop emptied: a series created a moment ago is empty until its creator appends to it.
        var emptied = chunks > 0 && series.IsEmpty;
        if (emptied)
        {
            series.Removed = true;
            removed.Add(series);
        }

        Add(ref _encodedBytes, series.EncodedBytes - encodedBefore);
        Add(ref _chunkMemory, (emptied ? 0 : series.MemoryBytes) - memoryBefore);
        Add(ref _closedChunks, series.Closed.Length - closedBefore);
        Add(ref _samples, -samples);
        return (chunks, samples);
    }

    private void RemoveSeries(List<StoredSeries> removed)
    {
        if (removed.Count == 0)
        {
            return;
        }

        foreach (var series in removed)
        {
            var shard = ShardOf(series.Labels);
            lock (shard)
            {
                if (shard.TryGetValue(series.Labels, out var current) && ReferenceEquals(current, series))
                {
                    shard.Remove(series.Labels);
                }
            }
        }

        _index.Remove(removed);
        Add(ref _seriesRemoved, removed.Count);
    }
}
