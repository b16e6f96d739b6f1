namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// What the store counts for memory beyond the encoded bytes: estimates of the .NET objects around them
/// (64-bit runtime: 16-byte object headers, 24-byte array headers), so the memory limit bounds the real
/// footprint and not just the payload.
/// </summary>
internal static class MemoryEstimate
{
    /// <summary>A closed chunk's slot in its series' array (24) and its byte array's header (24).</summary>
    public const int PerClosedChunk = 48;

    /// <summary>
    /// A series' fixed objects: the series (≈ 80), its head encoder and bit writer (≈ 150), the head buffer's
    /// header (24), its labels array header (24), the shard dictionary entry (≈ 32), the weak reference-table
    /// entry (≈ 48), the id map entry (≈ 24) and the cached <c>LabelSet</c> with its array (≈ 64).
    /// </summary>
    public const int PerSeries = 450;

    /// <summary>Per label of a series: its slot in the labels array (16), in the LabelSet's array (16) and its posting (4).</summary>
    public const int PerSeriesLabel = 36;

    /// <summary>A distinct label value (or name) in the index: its dictionary entry (≈ 32) and posting list (≈ 64), besides the string.</summary>
    public const int PerIndexEntry = 96;

    /// <summary>A string of <paramref name="length"/> characters.</summary>
    public static int String(int length) => 22 + (2 * length);
}
