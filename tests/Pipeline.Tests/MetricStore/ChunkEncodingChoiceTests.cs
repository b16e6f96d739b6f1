using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.Scraping.Targets;
using Xunit;

namespace Pipeline.Tests.MetricStore;

public sealed class ChunkEncodingChoiceTests
{
    private static long[] Times(int count) => [.. Enumerable.Range(0, count).Select(i => 1_700_000_000_000L + (i * 15_000L) + (i % 3))];

    [Fact]
    public void Microsecond_counters_in_seconds_are_decimal_at_scale_6()
    {
        var values = new double[120];
        long micros = 123_456_789;
        for (var i = 0; i < values.Length; i++)
        {
            micros += 1_500_000 + (i * 7919 % 200_000);
            values[i] = micros / 1e6;
        }

        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(120), values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Decimal, ChunkDecoder.Encoding(chunk));
        Assert.Equal(6, ChunkDecoder.Scale(chunk));
    }

    [Fact]
    public void Byte_gauges_are_decimal_at_scale_0_and_smaller_than_xor()
    {
        var values = new double[120];
        double bytes = 512L * 1024 * 1024;
        for (var i = 0; i < values.Length; i++)
        {
            bytes += ((i * 37 % 11) - 5) * 4096;
            values[i] = bytes;
        }

        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(120), values, allowDecimal: true);
        var xor = ChunkRoundTripTests.AssertRoundTrip(Times(120), values, allowDecimal: false);
        Assert.Equal(ChunkEncoding.Decimal, ChunkDecoder.Encoding(chunk));
        Assert.Equal(0, ChunkDecoder.Scale(chunk));
        Assert.Equal(ChunkEncoding.Xor, ChunkDecoder.Encoding(xor));
        Assert.True(chunk.Length < xor.Length * 2 / 3, $"decimal {chunk.Length} B, xor {xor.Length} B");
    }

    [Fact]
    public void Arbitrary_floats_fall_back_to_xor()
    {
        var values = Enumerable.Range(0, 50).Select(i => Math.Sin(i) * Math.PI).ToArray();
        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(50), values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Xor, ChunkDecoder.Encoding(chunk));
    }

    [Fact]
    public void A_decimal_chunk_that_meets_an_arbitrary_float_is_reencoded_as_xor()
    {
        double[] values = [1, 2, 3, 4, 1.0 / 3, 5];
        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(6), values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Xor, ChunkDecoder.Encoding(chunk));
    }

    [Fact]
    public void More_fraction_digits_raise_the_scale_and_keep_earlier_values_exact()
    {
        double[] values = [100, 100.5, 100.25, 0.001, 7];
        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(5), values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Decimal, ChunkDecoder.Encoding(chunk));
        Assert.Equal(3, ChunkDecoder.Scale(chunk));
    }

    [Fact]
    public void Stale_markers_and_infinities_stay_inside_a_decimal_chunk()
    {
        double[] values = [StaleMarker.Value, 10, 11, double.PositiveInfinity, 12, -0.0, double.NaN, StaleMarker.Value];
        var chunk = ChunkRoundTripTests.AssertRoundTrip(Times(8), values, allowDecimal: true);
        Assert.Equal(ChunkEncoding.Decimal, ChunkDecoder.Encoding(chunk));
    }

    [Fact]
    public void Constant_series_cost_about_two_bits_a_sample()
    {
        var values = Enumerable.Repeat(8_589_934_592.0, 120).ToArray();
        var timestamps = Enumerable.Range(0, 120).Select(i => 1_700_000_000_000L + (i * 15_000L)).ToArray();
        var chunk = ChunkRoundTripTests.AssertRoundTrip(timestamps, values, allowDecimal: true);
        // 4 header bytes, the divisor, the first time and value, a first gap; then 1 bit of time and 1 of value per sample.
        Assert.True(chunk.Length <= 4 + 2 + 6 + 5 + 3 + 30, $"{chunk.Length} bytes");
    }
}
