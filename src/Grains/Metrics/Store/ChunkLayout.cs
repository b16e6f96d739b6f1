namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// How a chunk writes its numbers: the timestamp scheme (delta-of-delta, or difference from
/// <see cref="BaseGap"/>), the width bases of its timestamp and value buckets (0: the head's fixed tables),
/// and whether a decimal chunk writes its integers' changes (<see cref="ValueDeltas"/>: best for gauges that
/// wander) or the changes of those (best for counters at a steady rate).
/// A head chunk uses <see cref="Head"/>; a closed chunk the layout that makes it smallest.
/// </summary>
internal readonly record struct ChunkLayout(bool UsesBaseGap, long BaseGap, int TimestampWidthBase, int ValueWidthBase, bool ValueDeltas)
{
    public static ChunkLayout Head => default;
}
