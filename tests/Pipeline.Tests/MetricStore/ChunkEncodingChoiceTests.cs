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
    public void Scrapes_on_a_fixed_schedule_with_jitter_use_the_base_gap_and_drifting_ones_delta_of_delta()
    {
        var random = new Random(3);
        var values = Enumerable.Repeat(1.0, 120).ToArray();
        // Independent jitter of 0-4 ms around a 15 s schedule: differences from the median gap are half as spread.
        var scheduled = Enumerable.Range(0, 120).Select(i => 1_700_000_000_000L + (i * 15_000L) + random.Next(0, 5)).ToArray();
        var chunk = ChunkRoundTripTests.AssertRoundTrip(scheduled, values, allowDecimal: true);
        Assert.NotEqual(0, chunk[1] & 0x10);

        // A gap that grows by 3 ms each time: the delta-of-delta is constant.
        var drifting = new long[120];
        for (var i = 1; i < drifting.Length; i++)
        {
            drifting[i] = drifting[i - 1] + 15_000 + (3 * i);
        }

        chunk = ChunkRoundTripTests.AssertRoundTrip(drifting, values, allowDecimal: true);
        Assert.Equal(0, chunk[1] & 0x10);
    }

    [Fact]
    public void Closing_picks_bucket_widths_that_fit_the_changes()
    {
        // Microsecond CPU counters with ±40 % rate noise: changes of about 20 bits, which the head's 24-bit bucket over-pays.
        var random = new Random(5);
        var values = new double[120];
        long micros = 5_000_000_000;
        for (var i = 0; i < values.Length; i++)
        {
            micros += (long)(1_500_000 * (0.6 + (0.8 * random.NextDouble())));
            values[i] = micros / 1e6;
        }

        var times = Times(120);
        var closed = ChunkRoundTripTests.AssertRoundTrip(times, values, allowDecimal: true);
        var head = new ChunkEncoder();
        for (var i = 0; i < values.Length; i++)
        {
            head.Append(times[i], values[i]);
        }

        Assert.NotEqual(0, closed[5]);
        Assert.True(closed.Length < head.ByteLength - 40, $"closed {closed.Length} B, head {head.ByteLength} B");
    }

    [Fact]
    public void Wandering_gauges_write_deltas_and_steady_counters_delta_of_deltas()
    {
        var random = new Random(9);
        var gauge = new double[120];
        var counter = new double[120];
        long bytes = 1L << 30, count = 1_000_000;
        for (var i = 0; i < gauge.Length; i++)
        {
            bytes += random.Next(-64, 65) * 4096L;
            count += 150 + random.Next(-2, 3);
            gauge[i] = bytes;
            counter[i] = count;
        }

        var gaugeChunk = ChunkRoundTripTests.AssertRoundTrip(Times(120), gauge, allowDecimal: true);
        var counterChunk = ChunkRoundTripTests.AssertRoundTrip(Times(120), counter, allowDecimal: true);
        Assert.NotEqual(0, gaugeChunk[1] & 0x20);
        Assert.Equal(0, counterChunk[1] & 0x20);
    }

    [Fact]
    public void Constant_series_cost_about_two_bits_a_sample()
    {
        var values = Enumerable.Repeat(8_589_934_592.0, 120).ToArray();
        var timestamps = Enumerable.Range(0, 120).Select(i => 1_700_000_000_000L + (i * 15_000L)).ToArray();
        var chunk = ChunkRoundTripTests.AssertRoundTrip(timestamps, values, allowDecimal: true);
        // 6 header bytes, the divisor (1), the first time (7) and value (6), the first gap (3); then 1 bit of time and 1 of value per sample (30).
        Assert.True(chunk.Length <= 6 + 1 + 7 + 6 + 3 + 30, $"{chunk.Length} bytes");
    }
}
