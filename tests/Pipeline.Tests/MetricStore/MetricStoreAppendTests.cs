using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Targets;
using Xunit;
using static Pipeline.Tests.MetricStore.StoreHarness;

namespace Pipeline.Tests.MetricStore;

public sealed class MetricStoreAppendTests
{
    [Fact]
    public void Samples_come_back_bit_exact_in_time_order_across_chunks_and_the_head()
    {
        using var harness = new StoreHarness();
        var labels = Labels("__name__", "up", "job", "api");
        var t0 = harness.NowMs - 3_600_000;
        var expectedTimes = new List<long>();
        var expectedValues = new List<double>();
        for (var i = 0; i < 250; i++)
        {
            var value = i % 50 == 49 ? StaleMarker.Value : i * 0.5;
            harness.Append(labels, t0 + (i * 14_999), value);
            expectedTimes.Add(t0 + (i * 14_999));
            expectedValues.Add(value);
        }

        var series = Assert.Single(harness.SelectAll(Eq("job", "api")));
        Assert.Equal("{__name__=\"up\", job=\"api\"}", series.Labels.ToString());
        Assert.Equal(expectedTimes, series.TimestampsMs);
        Assert.Equal(expectedValues.Select(BitConverter.DoubleToInt64Bits), series.Values.Select(BitConverter.DoubleToInt64Bits));
        var stats = harness.Store.Stats();
        Assert.Equal(1, stats.Series);
        Assert.Equal(250, stats.Samples);
        Assert.Equal(2, stats.ClosedChunks);

        // A range inside chunks cuts them exactly.
        var part = Assert.Single(harness.Select(t0 + (100 * 14_999), t0 + (130 * 14_999), Eq("job", "api")));
        Assert.Equal(expectedTimes.GetRange(100, 31), part.TimestampsMs);
    }

    [Fact]
    public void Out_of_order_and_duplicate_samples_are_refused_and_counted_as_prometheus_does()
    {
        using var harness = new StoreHarness();
        var labels = Labels("__name__", "x");
        var t = harness.NowMs - 60_000;
        harness.Store.Append(
        [
            new RemoteWriteSample(labels, t, 1),
            new RemoteWriteSample(labels, t + 10, 2),
            new RemoteWriteSample(labels, t + 5, 3), // older than the last: out of order
            new RemoteWriteSample(labels, t + 10, 2), // same time, same value: ignored
            new RemoteWriteSample(labels, t + 10, 9), // same time, other value: refused
            new RemoteWriteSample(labels, t + 10, double.NaN), // a NaN is another value than 2
            new RemoteWriteSample(labels, t + 20, StaleMarker.Value),
            new RemoteWriteSample(labels, t + 20, StaleMarker.Value), // the same bits: ignored
            new RemoteWriteSample(labels, t + 20, double.NaN), // other NaN bits: refused
            new RemoteWriteSample(labels, harness.NowMs - (7 * 3_600_000), 1), // past retention
        ]);

        var counters = harness.Store.Counters;
        Assert.Equal(3, counters.SamplesAppended);
        Assert.Equal(2, counters.DuplicatesIgnored);
        Assert.Equal(1, counters.Rejected(SampleRejectReason.OutOfOrder));
        Assert.Equal(3, counters.Rejected(SampleRejectReason.DuplicateTimestamp));
        Assert.Equal(1, counters.Rejected(SampleRejectReason.TooOld));
        var series = Assert.Single(harness.SelectAll(Eq("__name__", "x")));
        Assert.Equal([t, t + 10, t + 20], series.TimestampsMs);
        Assert.Equal(1, series.Values[0]);
        Assert.Equal(2, series.Values[1]);
        Assert.True(StaleMarker.Is(series.Values[2]));
    }

    [Fact]
    public void A_new_label_array_with_the_same_content_finds_the_same_series()
    {
        using var harness = new StoreHarness();
        var t = harness.NowMs - 60_000;
        harness.Append(Labels("__name__", "x", "a", "1"), t, 1);
        harness.Append(Labels("__name__", "x", "a", "1"), t + 1, 2);
        // Unsorted, with an empty value: normalized to the same series.
        harness.Append([new("a", "1"), new("b", ""), new("__name__", "x")], t + 2, 3);
        var series = Assert.Single(harness.SelectAll(Eq("a", "1")));
        Assert.Equal([t, t + 1, t + 2], series.TimestampsMs);
        Assert.Equal(1, harness.Store.Counters.SeriesCreated);
    }

    [Fact]
    public void A_chunk_closes_at_its_time_span_as_well_as_its_size()
    {
        using var harness = new StoreHarness(new MetricStoreOptions { ChunkSamples = 120, ChunkMaxSpan = TimeSpan.FromMinutes(10) });
        var labels = Labels("__name__", "slow");
        var t0 = harness.NowMs - 3_600_000;
        for (var i = 0; i < 30; i++)
        {
            harness.Append(labels, t0 + (i * 60_000), i);
        }

        // 10 samples a minute apart span 9 minutes; the 11th starts a new chunk.
        Assert.Equal(2, harness.Store.Stats().ClosedChunks);
        Assert.Equal(30, Assert.Single(harness.SelectAll(Eq("__name__", "slow"))).Count);
    }

    [Fact]
    public void Stats_report_bytes_per_sample_and_per_series()
    {
        using var harness = new StoreHarness();
        var t0 = harness.NowMs - 3_600_000;
        for (var s = 0; s < 10; s++)
        {
            var labels = Labels("__name__", "c", "i", s.ToString());
            for (var i = 0; i < 240; i++)
            {
                harness.Append(labels, t0 + (i * 15_000), 7);
            }
        }

        var stats = harness.Store.Stats();
        Assert.Equal(10, stats.Series);
        Assert.Equal(2400, stats.Samples);
        Assert.Equal(20, stats.ClosedChunks);
        // Constant values at an exact 15 s: 2 bits a sample and a few bytes a chunk.
        Assert.InRange(stats.BytesPerSample, 0.25, 0.5);
        Assert.Equal((double)(stats.ChunkMemoryBytes + stats.IndexBytes) / 10, stats.BytesPerSeries);
        Assert.True(stats.IndexBytes > 0);
    }

    [Fact]
    public void Options_are_validated_with_a_message_naming_the_key()
    {
        var failure = new MetricStoreOptionsValidator().Validate(null, new MetricStoreOptions { Retention = TimeSpan.FromSeconds(5), MemoryLimitBytes = 10, ChunkSamples = 1 });
        Assert.True(failure.Failed);
        Assert.Contains("storage.retention", failure.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("storage.memory_limit", failure.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("chunk size", failure.FailureMessage, StringComparison.Ordinal);
        Assert.True(new MetricStoreOptionsValidator().Validate(null, new MetricStoreOptions()).Succeeded);
        Assert.Throws<ArgumentException>(() => new Pipeline.Grains.Metrics.Store.MetricStore(new MetricStoreOptions { ChunkSamples = 0 }));
    }
}
