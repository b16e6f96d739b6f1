namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// A closed chunk of one series: its immutable bytes and the times of its first and last sample, kept
/// beside the bytes so a query or retention decides without decoding.
/// </summary>
internal readonly record struct ClosedChunk(byte[] Data, long MinTimestampMs, long MaxTimestampMs)
{
    public int Count => ChunkDecoder.Count(Data);
}
