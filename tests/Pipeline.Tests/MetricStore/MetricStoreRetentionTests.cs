using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.RemoteWrite;
using Xunit;
using static Pipeline.Tests.MetricStore.StoreHarness;

namespace Pipeline.Tests.MetricStore;

public sealed class MetricStoreRetentionTests
{
    [Fact]
    public void Retention_drops_whole_chunks_older_than_the_window_and_empty_series()
    {
        using var harness = new StoreHarness(new MetricStoreOptions { Retention = TimeSpan.FromHours(1), ChunkSamples = 10 });
        var steady = Labels("__name__", "steady");
        var gone = Labels("__name__", "gone");
        var t0 = harness.NowMs;
        // 40 samples a minute apart for "steady" (4 chunks), 5 for "gone" in the first 5 minutes.
        for (var i = 0; i < 40; i++)
        {
            harness.Clock.SetUtcNow(Start.AddMinutes(i));
            harness.Append(steady, t0 + (i * 60_000), i);
            if (i < 5)
            {
                harness.Append(gone, t0 + (i * 60_000), i);
            }
        }

        // Now t0+39m: nothing is older than an hour.
        Assert.Equal(0, harness.Store.ApplyRetention());
        Assert.Equal(45, harness.Store.Stats().Samples);

        // At t0+70m the cutoff is t0+10m: steady's first chunk (0..9m) goes, "gone" (0..4m, its head) goes with its series.
        harness.Clock.SetUtcNow(Start.AddMinutes(70));
        Assert.Equal(1, harness.Store.ApplyRetention());
        var counters = harness.Store.Counters;
        Assert.Equal(2, counters.ChunksDroppedByRetention);
        Assert.Equal(15, counters.SamplesDroppedByRetention);
        Assert.Equal(1, counters.SeriesRemoved);
        Assert.Empty(harness.SelectAll(Eq("__name__", "gone")));
        var kept = Assert.Single(harness.SelectAll(Eq("__name__", "steady")));
        Assert.Equal(30, kept.Count);
        Assert.Equal(t0 + (10 * 60_000), kept.TimestampsMs[0]);
        var stats = harness.Store.Stats();
        Assert.Equal(1, stats.Series);
        Assert.Equal(30, stats.Samples);
        Assert.Equal(["__name__"], harness.LabelNames(null, long.MinValue, long.MaxValue));
        Assert.Equal(["steady"], harness.LabelValues("__name__", null, long.MinValue, long.MaxValue));

        // A series that comes back after removal is a new series with only its new samples.
        harness.Append(gone, t0 + (70 * 60_000), 1);
        Assert.Equal(1, Assert.Single(harness.SelectAll(Eq("__name__", "gone"))).Count);
        Assert.Equal(3, harness.Store.Counters.SeriesCreated);
    }

    [Fact]
    public void Appends_apply_retention_on_their_own_once_it_is_due()
    {
        using var harness = new StoreHarness(new MetricStoreOptions { Retention = TimeSpan.FromHours(1), ChunkSamples = 10 });
        var old = Labels("__name__", "old");
        var fresh = Labels("__name__", "fresh");
        harness.Append(old, harness.NowMs, 1);
        harness.Clock.Advance(TimeSpan.FromHours(2));
        harness.Append(fresh, harness.NowMs, 1);
        Assert.Equal(1, harness.Store.Counters.SeriesRemoved);
        Assert.Equal(1, harness.Store.Stats().Series);
    }

    [Fact]
    public void The_memory_limit_evicts_the_oldest_closed_chunks_first()
    {
        var options = new MetricStoreOptions { MemoryLimitBytes = 1024 * 1024, ChunkSamples = 120 };
        using var harness = new StoreHarness(options);
        var random = new Random(7);
        var t0 = harness.NowMs - 5 * 3_600_000;
        var series = Enumerable.Range(0, 200).Select(s => Labels("__name__", "g", "s", s.ToString())).ToArray();
        var batch = new RemoteWriteSample[series.Length];
        for (var i = 0; i < 1200; i++)
        {
            for (var s = 0; s < series.Length; s++)
            {
                // Arbitrary floats: XOR, about 8 bytes a sample, so 200 series pass 1 MiB well within 1200 samples.
                batch[s] = new RemoteWriteSample(series[s], t0 + (i * 15_000), random.NextDouble());
            }

            harness.Store.Append(batch);
        }

        var stats = harness.Store.Stats();
        var counters = harness.Store.Counters;
        Assert.True(stats.TotalBytes <= options.MemoryLimitBytes, $"{stats.TotalBytes} bytes held");
        Assert.True(counters.ChunksEvictedByMemoryLimit > 0);
        Assert.Equal(200 * 1200, counters.SamplesAppended);
        Assert.Equal(counters.SamplesAppended - counters.SamplesEvictedByMemoryLimit, stats.Samples);
        Assert.Equal(0, counters.SamplesDroppedByRetention);

        // What is left is the newest part of each series, without a hole.
        var left = harness.SelectAll(Eq("__name__", "g"));
        Assert.Equal(200, left.Count);
        Assert.Equal(stats.Samples, left.Sum(s => (long)s.Count));
        foreach (var one in left)
        {
            Assert.Equal(t0 + (1199 * 15_000), one.TimestampsMs[^1]);
            Assert.Equal(t0 + ((1200 - one.Count) * 15_000L), one.TimestampsMs[0]);
        }
    }
}
