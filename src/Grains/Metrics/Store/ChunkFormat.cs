using System.Numerics;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The byte layout shared by <see cref="ChunkEncoder"/> and <see cref="ChunkDecoder"/>.
/// </summary>
/// <remarks>
/// <para>A chunk is a 6-byte header and a bit stream, most significant bit first. Header: the encoding;
/// the decimal scale (low 4 bits) and the timestamp scheme (bit 4); the sample count (little-endian 16
/// bits); the timestamp width base; the value width base. Bit 5 of the second byte marks decimal values
/// written as deltas rather than delta-of-deltas. The stream starts with a decimal chunk's
/// divisor and, for the base-gap scheme, the base gap; then each sample is its timestamp code and its
/// value code.</para>
/// <para>The first timestamp is written whole (<see cref="WriteVarBits"/> of its zigzag). Later ones are
/// either the change of the gap (delta-of-delta: best when the gap drifts) or the gap's difference from
/// the chunk's median gap (base gap: best for scrapes on a fixed schedule with independent jitter, whose
/// differences are half as spread as delta-of-deltas). Numbers are written in buckets chosen by a unary
/// prefix. A head chunk uses fixed buckets (<see cref="HeadTimestampWidths"/>,
/// <see cref="HeadDecimalWidths"/>); when it closes, the encoder picks the scheme and the bucket widths
/// <c>[0, w, w+4, w+12, 64]</c> that make this chunk smallest, and writes their <c>w</c> in the header.</para>
/// </remarks>
internal static class ChunkFormat
{
    public const int HeaderBytes = 6;

    public const int HeaderBits = HeaderBytes * 8;

    /// <summary>Most samples a chunk can count (the header's 16 bits).</summary>
    public const int MaxSamples = ushort.MaxValue;

    /// <summary>Most unary prefix ones; the last bucket has no terminating zero.</summary>
    public const int MaxPrefix = 5;

    /// <summary>
    /// Signed widths of a head chunk's timestamp buckets, by prefix length: 0 ("same gap"), ±8 ms,
    /// ±128 ms, ±32 s, ±24 days, anything.
    /// </summary>
    public static byte[] HeadTimestampWidths { get; } = [0, 4, 8, 16, 32, 64];

    /// <summary>
    /// Signed widths of a head chunk's decimal value delta-of-delta buckets, by prefix length; prefix 5 is
    /// the escape (a raw 64-bit double that does not move the integer state).
    /// </summary>
    public static byte[] HeadDecimalWidths { get; } = [0, 7, 14, 24, 64];

    /// <summary>Largest width base a closed chunk may choose.</summary>
    public const int MaxWidthBase = 48;

    /// <summary>Bit 4 of header byte 1: timestamps are differences from a base gap, not delta-of-deltas.</summary>
    public const byte BaseGapFlag = 0x10;

    /// <summary>Bit 5 of header byte 1: a decimal chunk's integers are written as deltas, not delta-of-deltas.</summary>
    public const byte ValueDeltasFlag = 0x20;

    private static readonly byte[][] WidthTables = BuildWidthTables();

    /// <summary>The bucket widths for width base <paramref name="widthBase"/> (0: the head's <paramref name="head"/> table).</summary>
    public static byte[] Widths(int widthBase, byte[] head) => widthBase == 0 ? head : WidthTables[widthBase];

    /// <summary>Signed bits needed to hold <paramref name="value"/> (0 for 0).</summary>
    public static int SignedWidth(long value) => value == 0 ? 0 : 65 - BitOperations.LeadingZeroCount((ulong)(value ^ (value >> 63)));

    /// <summary>
    /// The width base whose buckets hold numbers of the given signed widths (a histogram: count by width,
    /// 65 entries) in the fewest bits, and that number of bits.
    /// </summary>
    /// <remarks>
    /// With <c>P(b)</c> the count of numbers needing 1 to <c>b</c> bits, base <c>w</c> costs
    /// <c>h0 + P(w)(2+w) + (P(w+4)-P(w))(7+w) + (P(w+12)-P(w+4))(16+w) + (N-P(w+12))·69</c>: constant time per
    /// base, so choosing costs about a hundred steps a chunk, not a pass over the histogram per base.
    /// </remarks>
    public static (int WidthBase, long Bits) BestWidths(ReadOnlySpan<int> histogram)
    {
        Span<long> atMost = stackalloc long[65];
        long running = 0;
        var widest = 0;
        for (var width = 1; width < 65; width++)
        {
            running += histogram[width];
            atMost[width] = running;
            if (histogram[width] != 0)
            {
                widest = width;
            }
        }

        var best = (WidthBase: 1, Bits: long.MaxValue);
        // A base wider than the widest number only costs more.
        var last = Math.Max(1, Math.Min(widest, MaxWidthBase));
        for (var w = 1; w <= last; w++)
        {
            var second = Math.Min(w + 4, 64);
            var third = Math.Min(w + 12, 64);
            var bits = histogram[0]
                + (atMost[w] * (2 + w))
                + ((atMost[second] - atMost[w]) * (3 + second))
                + ((atMost[third] - atMost[second]) * (4 + third))
                + ((running - atMost[third]) * (5 + 64));
            if (bits < best.Bits)
            {
                best = (w, bits);
            }
        }

        return best;
    }

    /// <summary>The prefix of a raw value in a decimal chunk.</summary>
    public const int DecimalEscapePrefix = 5;

    /// <summary>Largest scale tried: values with more fraction digits fall back to XOR.</summary>
    public const int MaxScale = 12;

    /// <summary>
    /// Largest |k|: small enough that <c>v * 10^scale</c> rounds to <c>k</c> (its error stays far under 0.5) and
    /// that any delta-of-delta fits a long.
    /// </summary>
    public const long MaxDecimal = 1L << 50;

    private static readonly double[] PowersOfTen = BuildPowers();

    public static double PowerOfTen(int scale) => PowersOfTen[scale];

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>A length in 7 bits (0 to 64) then that many bits: small numbers cost little, any number fits.</summary>
    public static void WriteVarBits(ChunkBitWriter writer, ulong value)
    {
        var length = 64 - BitOperations.LeadingZeroCount(value);
        writer.WriteBits((ulong)length, 7);
        writer.WriteBits(value, length);
    }

    public static ulong ReadVarBits(ref ChunkBitReader reader) => reader.ReadBits((int)reader.ReadBits(7));

    /// <summary>Writes <paramref name="value"/> in the first bucket of <paramref name="widths"/> that holds it.</summary>
    public static void WriteBucketed(ChunkBitWriter writer, long value, ReadOnlySpan<byte> widths)
    {
        for (var prefix = 0; prefix < widths.Length; prefix++)
        {
            var width = widths[prefix];
            if (width == 0 ? value == 0 : width == 64 || (value >= -(1L << (width - 1)) && value < (1L << (width - 1))))
            {
                WritePrefix(writer, prefix);
                writer.WriteBits((ulong)value, width);
                return;
            }
        }

        throw new InvalidOperationException("no bucket holds the value");
    }

    /// <summary>Writes <paramref name="ones"/> one bits, then a zero unless the prefix is the longest.</summary>
    public static void WritePrefix(ChunkBitWriter writer, int ones)
    {
        if (ones == MaxPrefix)
        {
            writer.WriteBits((1UL << ones) - 1, ones);
        }
        else
        {
            // ones ones followed by one zero.
            writer.WriteBits(((1UL << ones) - 1) << 1, ones + 1);
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> is exactly (bit for bit) the double nearest <c>k / 10^scale</c> for an
    /// integer |k| ≤ <see cref="MaxDecimal"/>; -0.0, NaN and infinities never are.
    /// </summary>
    public static bool TryDecimal(double value, int scale, out long k)
    {
        var scaled = value * PowersOfTen[scale];
        if (!(Math.Abs(scaled) <= MaxDecimal))
        {
            k = 0;
            return false;
        }

        k = (long)Math.Round(scaled);
        return BitConverter.DoubleToInt64Bits(k / PowersOfTen[scale]) == BitConverter.DoubleToInt64Bits(value);
    }

    /// <summary>The smallest scale from <paramref name="minScale"/> at which <paramref name="value"/> is decimal, or -1.</summary>
    public static int FindScale(double value, int minScale)
    {
        for (var scale = minScale; scale <= MaxScale; scale++)
        {
            if (TryDecimal(value, scale, out _))
            {
                return scale;
            }
        }

        return -1;
    }

    /// <summary>Values a decimal chunk stores raw instead of giving up its encoding: NaN (stale markers), ±Inf, -0.0.</summary>
    public static bool IsSpecial(double value) =>
        !double.IsFinite(value) || BitConverter.DoubleToInt64Bits(value) == long.MinValue;

    public static double FromDecimal(long k, int scale) => k / PowersOfTen[scale];

    private static byte[][] BuildWidthTables()
    {
        var tables = new byte[MaxWidthBase + 1][];
        for (var w = 1; w <= MaxWidthBase; w++)
        {
            tables[w] = [0, (byte)w, (byte)Math.Min(w + 4, 64), (byte)Math.Min(w + 12, 64), 64];
        }

        return tables;
    }

    private static double[] BuildPowers()
    {
        var powers = new double[MaxScale + 1];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            // Every power of ten up to 1e22 is exact in a double, so the products are exact.
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
