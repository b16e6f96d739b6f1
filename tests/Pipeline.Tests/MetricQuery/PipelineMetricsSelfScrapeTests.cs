using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Silo;
using Pipeline.Silo.Http;
using Xunit;
using MatchType = Pipeline.Grains.Metrics.MatchType;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.MetricQuery;

public sealed class PipelineMetricsSelfScrapeTests
{
    [Fact]
    public async Task The_silos_own_metrics_land_in_its_store_with_job_and_instance_each_read()
    {
        var meterName = $"Pipeline.Tests.SelfScrape.{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        var lines = meter.CreateCounter<long>("log_lines", description: "Lines counted by a log_to_metrics filter.");
        using var exporter = new PrometheusMetricsExporter(meterName);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_764_000_000));
        using var store = new Pipeline.Grains.Metrics.Store.MetricStore(new MetricStoreOptions(), clock);
        var selfScrape = new PipelineMetricsSelfScrape(exporter, store, new PipelineConfig { NodeName = "node-a" }, clock, NullLogger<PipelineMetricsSelfScrape>.Instance);

        lines.Add(3, new KeyValuePair<string, object?>("namespace", "shop"), new KeyValuePair<string, object?>("job", "kubelet"));
        lines.Add(1, new KeyValuePair<string, object?>("namespace", "billing"));
        // The two counter series, and the process series /metrics always has (CPU, RSS, GC heap).
        Assert.Equal(5, selfScrape.CollectOnce());
        clock.Advance(PipelineMetricsSelfScrape.Interval);
        lines.Add(2, new KeyValuePair<string, object?>("namespace", "shop"), new KeyValuePair<string, object?>("job", "kubelet"));
        Assert.Equal(5, selfScrape.CollectOnce());

        var series = (await store.SelectAsync([new LabelMatcher(MatchType.Equal, "__name__", "log_lines_total")], 0, long.MaxValue, CancellationToken.None))
            .OrderBy(s => s.Labels.Get("namespace"), StringComparer.Ordinal).ToList();
        Assert.Equal(["billing", "shop"], series.Select(s => s.Labels.Get("namespace")));
        Assert.All(series, s => Assert.Equal(("pipeline", "node-a"), (s.Labels.Get("job"), s.Labels.Get("instance"))));
        Assert.Equal([1.0, 1.0], series[0].Values);
        Assert.Equal([3.0, 5.0], series[1].Values);
        Assert.Equal("kubelet", series[1].Labels.Get("exported_job")); // a metric's own job label, kept apart as a scrape does
        Assert.Equal([1_764_000_000_000, 1_764_000_015_000], series[1].TimestampsMs);
        Assert.Equal(5, selfScrape.SeriesCount);
        var rss = Assert.Single(await store.SelectAsync([new LabelMatcher(MatchType.Equal, "__name__", "process_resident_memory_bytes")], 0, long.MaxValue, CancellationToken.None));
        Assert.All(rss.Values, v => Assert.True(v > 0));
    }
}
