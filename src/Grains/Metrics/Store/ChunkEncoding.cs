namespace Pipeline.Grains.Metrics.Store;

/// <summary>How a chunk's values are encoded (its timestamps are always delta-of-delta).</summary>
public enum ChunkEncoding : byte
{
    /// <summary>Gorilla: each value XORed with the one before, the meaningful bits written in a window.</summary>
    Xor = 0,

    /// <summary>
    /// Values that are exactly <c>k / 10^scale</c> for integers <c>k</c> (decimal text, byte counts, microsecond
    /// counters in seconds): delta-of-delta of <c>k</c> in variable widths; other values escaped raw.
    /// </summary>
    Decimal = 1,
}
