namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// Decodes the samples of series in a time range for one query, reusing its buffers from series to
/// series, so a query allocates little beyond the arrays it returns.
/// </summary>
internal sealed class SeriesReader
{
    private long[] _timestamps = new long[256];
    private double[] _values = new double[256];
    private long[] _chunkTimestamps = new long[128];
    private double[] _chunkValues = new double[128];

    /// <summary>The series' samples in [<paramref name="minMs"/>, <paramref name="maxMs"/>], or null when there are none.</summary>
    public SeriesSamples? Read(StoredSeries series, long minMs, long maxMs)
    {
        var (closed, head) = series.Snapshot(minMs, maxMs);
        var count = 0;
        foreach (var chunk in closed)
        {
            count = ReadChunk(chunk, minMs, maxMs, count);
        }

        if (head is { } open)
        {
            count = ReadChunk(open, minMs, maxMs, count);
        }

        if (count == 0)
        {
            return null;
        }

        return new SeriesSamples(series.LabelSet, _timestamps.AsSpan(0, count).ToArray(), _values.AsSpan(0, count).ToArray());
    }

    /// <summary>Whether the series has a sample in [<paramref name="minMs"/>, <paramref name="maxMs"/>] (decodes only a chunk that straddles the range).</summary>
    public static bool HasSampleIn(StoredSeries series, long minMs, long maxMs)
    {
        var (closed, head) = series.Snapshot(minMs, maxMs);
        foreach (var chunk in closed)
        {
            if (ChunkHasSampleIn(chunk, minMs, maxMs))
            {
                return true;
            }
        }

        return head is { } open && ChunkHasSampleIn(open, minMs, maxMs);
    }

    private static bool ChunkHasSampleIn(ClosedChunk chunk, long minMs, long maxMs)
    {
        if (chunk.MaxTimestampMs < minMs || chunk.MinTimestampMs > maxMs)
        {
            return false;
        }

        if (chunk.MinTimestampMs >= minMs || chunk.MaxTimestampMs <= maxMs)
        {
            // Its first or its last sample is inside.
            return true;
        }

        var count = chunk.Count;
        var timestamps = new long[count];
        ChunkDecoder.Decode(chunk.Data, timestamps, new double[count]);
        foreach (var timestamp in timestamps)
        {
            if (timestamp >= minMs && timestamp <= maxMs)
            {
                return true;
            }
        }

        return false;
    }

    private int ReadChunk(ClosedChunk chunk, long minMs, long maxMs, int count)
    {
        if (chunk.MaxTimestampMs < minMs || chunk.MinTimestampMs > maxMs)
        {
            return count;
        }

        var samples = chunk.Count;
        EnsureOutput(count + samples);
        if (chunk.MinTimestampMs >= minMs && chunk.MaxTimestampMs <= maxMs)
        {
            // Wholly inside: decode straight into the result.
            return count + ChunkDecoder.Decode(chunk.Data, _timestamps.AsSpan(count), _values.AsSpan(count));
        }

        if (_chunkTimestamps.Length < samples)
        {
            _chunkTimestamps = new long[samples];
            _chunkValues = new double[samples];
        }

        ChunkDecoder.Decode(chunk.Data, _chunkTimestamps, _chunkValues);
        for (var i = 0; i < samples; i++)
        {
            var timestamp = _chunkTimestamps[i];
            if (timestamp >= minMs && timestamp <= maxMs)
            {
                _timestamps[count] = timestamp;
                _values[count] = _chunkValues[i];
                count++;
            }
        }

        return count;
    }

    private void EnsureOutput(int needed)
    {
        if (_timestamps.Length < needed)
        {
            var size = Math.Max(needed, _timestamps.Length * 2);
            Array.Resize(ref _timestamps, size);
            Array.Resize(ref _values, size);
        }
    }
}
