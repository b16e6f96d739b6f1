namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The store's size now: the two figures, <see cref="BytesPerSample"/> (encoded chunk bytes over
/// samples held) and <see cref="BytesPerSeries"/> (all the memory the store accounts over active series).
/// </summary>
/// <param name="Series">Series held.</param>
/// <param name="Samples">Samples held.</param>
/// <param name="ClosedChunks">Closed chunks held.</param>
/// <param name="EncodedBytes">Encoded sample bytes: closed chunks and the written part of head chunks.</param>
/// <param name="ChunkMemoryBytes">Memory of sample data: closed chunks with their object overhead and whole head buffers.</param>
/// <param name="IndexBytes">Estimated memory of the series objects, labels, index and interned strings.</param>
public sealed record MetricStoreStats(long Series, long Samples, long ClosedChunks, long EncodedBytes, long ChunkMemoryBytes, long IndexBytes)
{
    /// <summary>Everything the memory limit is compared with.</summary>
    public long TotalBytes => ChunkMemoryBytes + IndexBytes;

    public double BytesPerSample => Samples == 0 ? 0 : (double)EncodedBytes / Samples;

    public double BytesPerSeries => Series == 0 ? 0 : (double)TotalBytes / Series;
}
