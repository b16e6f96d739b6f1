using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// One series of the store: its labels (sorted, strings shared with the index), its closed chunks and its
/// head. Appends, closes and drops lock the series itself; a query only takes the lock to copy the
/// closed-chunk array reference (copy-on-write, never changed in place) and, when asked, the head's bytes.
/// </summary>
internal sealed class StoredSeries
{
    private static readonly ClosedChunk[] NoChunks = [];

    private readonly ChunkEncoder _head;
    private ClosedChunk[] _closed = NoChunks;
    private long _closedBytes;
    private LabelSet? _labelSet;
    private bool _hasLast;
    private long _lastTimestamp;
    private long _lastValueBits;

    public StoredSeries(int id, RemoteWriteLabel[] labels, int initialHeadBytes)
    {
        Id = id;
        Labels = labels;
        _head = new ChunkEncoder(initialHeadBytes);
    }

    public int Id { get; }

    /// <summary>Sorted by name, no empty values.</summary>
    public RemoteWriteLabel[] Labels { get; }

    /// <summary>Set under the series' lock when retention or eviction left nothing: appenders must look the series up again.</summary>
    public volatile bool Removed;

    /// <summary>The labels as a <see cref="LabelSet"/>, built once (a race builds two equal ones; either is kept).</summary>
    public LabelSet LabelSet => _labelSet ??= ToLabelSet(Labels);

    /// <summary>Closed chunks, oldest first; the array is never changed once published.</summary>
    public ClosedChunk[] Closed => Volatile.Read(ref _closed);

    /// <summary>Encoded bytes held: closed chunks and the head's written bytes. Read under the lock.</summary>
    public long EncodedBytes => _closedBytes + (_head.Count > 0 ? _head.ByteLength : 0);

    /// <summary>Memory of the sample data: closed chunks with their per-chunk overhead, and the head's whole buffer. Read under the lock.</summary>
    public long MemoryBytes => _closedBytes + (_closed.Length * MemoryEstimate.PerClosedChunk) + _head.Capacity;

    /// <summary>Samples held. Read under the lock.</summary>
    public long SampleCount { get; private set; }

    public bool IsEmpty => _closed.Length == 0 && _head.Count == 0;

    /// <summary>The value of a label, or the empty string (Prometheus's "missing is empty").</summary>
    public string Get(string name)
    {
        int lo = 0, hi = Labels.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(Labels[mid].Name, name);
            if (c == 0)
            {
                return Labels[mid].Value;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return string.Empty;
    }

    /// <summary>Appends one sample under Prometheus's ordering rules; the caller holds the lock.</summary>
    public AppendOutcome Append(long timestampMs, double value, int chunkSamples, long chunkSpanMs)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (_hasLast)
        {
            if (timestampMs < _lastTimestamp)
            {
                return AppendOutcome.OutOfOrder;
            }

            if (timestampMs == _lastTimestamp)
            {
                return bits == _lastValueBits ? AppendOutcome.DuplicateIgnored : AppendOutcome.DuplicateTimestamp;
            }
        }

        if (_head.Count > 0 && timestampMs - _head.MinTimestamp >= chunkSpanMs)
        {
            CloseHead();
        }

        _head.Append(timestampMs, value);
        SampleCount++;
        _hasLast = true;
        _lastTimestamp = timestampMs;
        _lastValueBits = bits;
        if (_head.Count >= chunkSamples)
        {
            CloseHead();
        }

        return AppendOutcome.Appended;
    }

    /// <summary>
    /// Drops the closed chunks whose last sample is at or before <paramref name="maxTimestampMs"/>, and the
    /// head too when <paramref name="includeHead"/> and it is as old; the caller holds the lock.
    /// </summary>
    public (int Chunks, long Samples) DropThrough(long maxTimestampMs, bool includeHead)
    {
        var closed = _closed;
        var keep = 0;
        while (keep < closed.Length && closed[keep].MaxTimestampMs <= maxTimestampMs)
        {
            keep++;
        }

        var chunks = keep;
        long samples = 0;
        if (keep > 0)
        {
            for (var i = 0; i < keep; i++)
            {
                samples += closed[i].Count;
                _closedBytes -= closed[i].Data.Length;
            }

            Volatile.Write(ref _closed, keep == closed.Length ? NoChunks : closed[keep..]);
        }

        if (includeHead && _head.Count > 0 && _head.MaxTimestamp <= maxTimestampMs)
        {
            samples += _head.Count;
            chunks++;
            _head.Reset();
        }

        SampleCount -= samples;
        return (chunks, samples);
    }

    /// <summary>
    /// The chunks overlapping [<paramref name="minMs"/>, <paramref name="maxMs"/>]: the closed array and, when
    /// the head overlaps, a copy of its bytes. Taken under the lock, decoded after it.
    /// </summary>
    public (ClosedChunk[] Closed, ClosedChunk? Head) Snapshot(long minMs, long maxMs)
    {
        lock (this)
        {
            ClosedChunk? head = null;
            if (_head.Count > 0 && _head.MaxTimestamp >= minMs && _head.MinTimestamp <= maxMs)
            {
                head = new ClosedChunk(_head.Snapshot(), _head.MinTimestamp, _head.MaxTimestamp);
            }

            return (_closed, head);
        }
    }

    private void CloseHead()
    {
        var min = _head.MinTimestamp;
        var max = _head.MaxTimestamp;
        var bytes = _head.Close();
        var closed = _closed;
        var grown = new ClosedChunk[closed.Length + 1];
        closed.CopyTo(grown, 0);
        grown[^1] = new ClosedChunk(bytes, min, max);
        _closedBytes += bytes.Length;
        Volatile.Write(ref _closed, grown);
    }

    private static LabelSet ToLabelSet(RemoteWriteLabel[] labels)
    {
        var converted = new Label[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            converted[i] = new Label(labels[i].Name, labels[i].Value);
        }

        return new LabelSet(converted);
    }
}
