using System.Numerics;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The byte layout shared by <see cref="ChunkEncoder"/> and <see cref="ChunkDecoder"/>.
/// </summary>
/// <remarks>
/// A chunk is a 4-byte header (encoding, decimal scale, sample count as little-endian 16 bits) and a bit
/// stream, most significant bit first. A decimal chunk's stream starts with its divisor (see
/// <see cref="ChunkEncoder"/>). Each sample is its timestamp code then its value code. The first
/// timestamp is written whole (<see cref="WriteVarBits"/> of its zigzag); later ones as the change of
/// the gap (delta-of-delta) in one of the <see cref="TimestampWidths"/> buckets, chosen by a unary
/// prefix: 15 s scrapes with a few ms of jitter land in the 4- and 8-bit buckets.
/// </remarks>
internal static class ChunkFormat
{
    public const int HeaderBytes = 4;

    public const int HeaderBits = HeaderBytes * 8;

    /// <summary>Most samples a chunk can count (the header's 16 bits).</summary>
    public const int MaxSamples = ushort.MaxValue;

    /// <summary>Most unary prefix ones; the last bucket has no terminating zero.</summary>
    public const int MaxPrefix = 5;

    /// <summary>
    /// Signed widths of the timestamp delta-of-delta buckets, by prefix length: 0 ("same gap"), ±8 ms,
    /// ±128 ms, ±32 s, ±24 days, anything.
    /// </summary>
    public static ReadOnlySpan<byte> TimestampWidths => [0, 4, 8, 16, 32, 64];

    /// <summary>
    /// Signed widths of the decimal value delta-of-delta buckets, by prefix length; prefix 5 is the escape
    /// (a raw 64-bit double that does not move the integer state).
    /// </summary>
    public static ReadOnlySpan<byte> DecimalWidths => [0, 7, 14, 24, 64];

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
