using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.Scraping.Targets;
using Xunit;

namespace Pipeline.Tests.MetricStore;

public sealed class ChunkRoundTripTests
{
    private static readonly double[] SpecialValues =
    [
        StaleMarker.Value,
        double.NaN,
        BitConverter.Int64BitsToDouble(unchecked((long)0xfff8000000000001)),
        BitConverter.Int64BitsToDouble(0x7ff0000000000001),
        double.PositiveInfinity,
        double.NegativeInfinity,
        -0.0,
        0.0,
        double.Epsilon,
        -double.Epsilon,
        BitConverter.Int64BitsToDouble(0x000fffffffffffff),
        double.MaxValue,
        double.MinValue,
        1e308,
        1e-308,
        0.1 + 0.2,
        1,
        -1,
        (double)(1L << 53),
        (double)(1L << 50) + 1,
        123456.789,
    ];

    [Fact]
    public void Every_special_double_round_trips_bit_exact_in_both_encodings()
    {
        // Each special value alone, after a decimal run, and in every pair order.
        foreach (var allowDecimal in new[] { true, false })
        {
            foreach (var special in SpecialValues)
            {
                AssertRoundTrip([1000], [special], allowDecimal);
                AssertRoundTrip([1000, 16000, 31000, 46000], [1.5, 2.5, special, 3.5], allowDecimal);
                AssertRoundTrip([1000, 16000, 31000], [special, special, 7], allowDecimal);
            }

            var timestamps = Enumerable.Range(0, SpecialValues.Length).Select(i => 1_700_000_000_000L + (i * 15_000L)).ToArray();
            AssertRoundTrip(timestamps, SpecialValues, allowDecimal);
            AssertRoundTrip(timestamps, [.. SpecialValues.Reverse()], allowDecimal);
        }
    }

    [Fact]
    public void Random_floats_round_trip_bit_exact()
    {
        var random = new Random(42);
        for (var round = 0; round < 300; round++)
        {
            var count = random.Next(1, 300);
            var timestamps = RandomTimestamps(random, count);
            var values = new double[count];
            var kind = round % 5;
            for (var i = 0; i < count; i++)
            {
                values[i] = kind switch
                {
                    // Any bit pattern at all (NaN payloads, subnormals, infinities).
                    0 => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
                    1 => random.NextDouble() * 1000,
                    2 => Math.Round(random.NextDouble() * 1e6, random.Next(0, 8)),
                    3 => random.Next(0, 4) == 0 ? StaleMarker.Value : random.Next(-5, 5) * 4096.0,
                    _ => i == 0 ? 1 : values[i - 1] + (random.Next(0, 1000) / 1e6),
                };
            }

            AssertRoundTrip(timestamps, values, allowDecimal: true);
            AssertRoundTrip(timestamps, values, allowDecimal: false);
        }
    }

    [Fact]
    public void Adversarial_timestamps_round_trip()
    {
        long[][] cases =
        [
            [long.MinValue, -1, 0, 1, long.MaxValue],
            [0, long.MaxValue],
            [long.MinValue, long.MaxValue],
            [1, 2, 3, 5, 8, 13, 21, 10_000_000_000, 10_000_000_001],
            [1_700_000_000_000, 1_700_000_015_003, 1_700_000_029_998, 1_700_000_045_001, 1_700_003_645_001, 1_700_003_645_002],
        ];
        foreach (var timestamps in cases)
        {
            var values = timestamps.Select((_, i) => (double)i).ToArray();
            AssertRoundTrip(timestamps, values, allowDecimal: true);
            AssertRoundTrip(timestamps, values, allowDecimal: false);
        }
    }

    [Fact]
    public void Counter_reset_and_huge_jumps_round_trip_in_a_decimal_chunk()
    {
        var timestamps = new long[] { 0, 15_000, 30_000, 45_000, 60_000, 75_000 };
        var values = new double[] { 1_125_899_906_842_624, 0, 1_125_899_906_842_624, -1_125_899_906_842_624, 3, 7 };
        var chunk = AssertRoundTrip(timestamps, values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Decimal, ChunkDecoder.Encoding(chunk));
        Assert.Equal(0, ChunkDecoder.Scale(chunk));

        // A fraction on top of 2^50 would need an integer past the decimal range: the chunk becomes XOR.
        values[4] = 0.000001;
        Assert.Equal(ChunkEncoding.Xor, ChunkDecoder.Encoding(AssertRoundTrip(timestamps, values, allowDecimal: true)));
    }

    private static long[] RandomTimestamps(Random random, int count)
    {
        var timestamps = new long[count];
        var t = random.NextInt64(0, 2_000_000_000_000);
        for (var i = 0; i < count; i++)
        {
            // Mostly 15 s with a few ms of jitter; sometimes a long gap or 1 ms.
            t += random.Next(0, 20) switch
            {
                0 => random.Next(1, 10_000_000),
                1 => 1,
                _ => 15_000 + random.Next(-4, 5),
            };
            timestamps[i] = t;
        }

        return timestamps;
    }

    internal static byte[] AssertRoundTrip(long[] timestamps, double[] values, bool allowDecimal)
    {
        var chunk = ChunkEncoder.Encode(timestamps, values, allowDecimal);
        Assert.Equal(timestamps.Length, ChunkDecoder.Count(chunk));
        var decodedTimestamps = new long[timestamps.Length];
        var decodedValues = new double[values.Length];
        Assert.Equal(timestamps.Length, ChunkDecoder.Decode(chunk, decodedTimestamps, decodedValues));
        Assert.Equal(timestamps, decodedTimestamps);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(
                BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(decodedValues[i]),
                $"sample {i}: wrote {BitConverter.DoubleToInt64Bits(values[i]):x16}, read {BitConverter.DoubleToInt64Bits(decodedValues[i]):x16} ({ChunkDecoder.Encoding(chunk)})");
        }

        return chunk;
    }
}
