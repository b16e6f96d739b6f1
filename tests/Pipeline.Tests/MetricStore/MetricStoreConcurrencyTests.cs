using Pipeline.Grains.RemoteWrite;
using Xunit;
using static Pipeline.Tests.MetricStore.StoreHarness;

namespace Pipeline.Tests.MetricStore;

public sealed class MetricStoreConcurrencyTests
{
    [Fact]
    public async Task Concurrent_appenders_and_queries_lose_nothing()
    {
        using var harness = new StoreHarness();
        const int Writers = 4;
        const int SeriesPerWriter = 50;
        const int Samples = 600;
        var t0 = harness.NowMs - 3_600_000;
        // Every writer writes its own series and also a series shared by all (whose duplicates are ignored or refused).
        var shared = Labels("__name__", "shared");
        using var start = new Barrier(Writers + 1);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            var own = Enumerable.Range(0, SeriesPerWriter).Select(s => Labels("__name__", "c", "w", w.ToString(), "s", s.ToString())).ToArray();
            var batch = new RemoteWriteSample[SeriesPerWriter + 1];
            start.SignalAndWait();
            for (var i = 0; i < Samples; i++)
            {
                for (var s = 0; s < SeriesPerWriter; s++)
                {
                    batch[s] = new RemoteWriteSample(own[s], t0 + (i * 15_000L), i * 1.5);
                }

                // A fresh array each time for the shared series: the content path, not the reference cache.
                batch[SeriesPerWriter] = new RemoteWriteSample(Labels("__name__", "shared"), t0 + (i * 15_000L), i);
                harness.Store.Append(batch);
            }
        })).ToArray();

        var reader = Task.Run(() =>
        {
            start.SignalAndWait();
            var reads = 0;
            while (!writers.All(w => w.IsCompleted))
            {
                foreach (var series in harness.SelectAll(Eq("__name__", "c")))
                {
                    // A reader sees a prefix of each series, in order.
                    for (var i = 0; i < series.Count; i++)
                    {
                        Assert.Equal(t0 + (i * 15_000L), series.TimestampsMs[i]);
                        Assert.Equal(i * 1.5, series.Values[i]);
                    }
                }

                reads++;
            }

            return reads;
        });

        await Task.WhenAll(writers);
        await reader;
        var counters = harness.Store.Counters;
        // Own series: every sample; the shared series: one per time, the other writers' copies ignored (same value) or out of order.
        Assert.Equal((long)Writers * SeriesPerWriter * Samples + Samples, counters.SamplesAppended);
        Assert.Equal((long)Writers * Samples, counters.SamplesAppended - ((long)Writers * SeriesPerWriter * Samples) + counters.DuplicatesIgnored + counters.RejectedOutOfOrder);
        Assert.Equal(0, counters.RejectedDuplicateTimestamp);
        Assert.Equal(Writers * SeriesPerWriter + 1, counters.SeriesCreated);
        var all = harness.SelectAll(Eq("__name__", "c"));
        Assert.Equal(Writers * SeriesPerWriter, all.Count);
        Assert.All(all, s => Assert.Equal(Samples, s.Count));
        var one = Assert.Single(harness.SelectAll(Eq("__name__", "shared")));
        Assert.Equal(Enumerable.Range(0, Samples).Select(i => t0 + (i * 15_000L)), one.TimestampsMs);
        Assert.Equal((long)Writers * SeriesPerWriter * Samples + Samples, harness.Store.Stats().Samples);
    }
}
