namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// How a chunk writes its numbers: the timestamp scheme (delta-of-delta, or difference from
/// <see cref="BaseGap"/>) and the width bases of its timestamp and value buckets (0: the head's fixed tables).
/// A head chunk uses <see cref="Head"/>; a closed chunk the layout that makes it smallest.
/// </summary>
internal readonly record struct ChunkLayout(bool UsesBaseGap, long BaseGap, int TimestampWidthBase, int ValueWidthBase)
{
    public static ChunkLayout Head => default;
}
