using Pipeline.Grains.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.RemoteWrite;

/// <summary>Our remote_write sender against a real Prometheus receiver: what we send is what Prometheus answers queries with.</summary>
public sealed class PrometheusRemoteWriteTests
{
    [Fact]
    public async Task Samples_sent_over_several_shards_are_queried_back_from_prometheus_unchanged()
    {
        await using var prometheus = await PrometheusProcess.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var start = now.AddMinutes(-10).ToUnixTimeMilliseconds();
        var options = new RemoteWriteOptions
        {
            Url = prometheus.RemoteWriteUrl,
            Name = "prometheus",
            Queue = new RemoteWriteQueueOptions { MaxShards = 4, MaxSamplesPerSend = 50, BatchSendDeadline = TimeSpan.FromMilliseconds(200) },
        };

        var series = Enumerable.Range(0, 40).Select(i => new[]
        {
            new RemoteWriteLabel("__name__", "pipeline_test_requests_total"),
            new RemoteWriteLabel("namespace", i % 2 == 0 ? "shop" : "payments"),
            new RemoteWriteLabel("pod", $"pod-{i}"),
            new RemoteWriteLabel("unicode", "grüße \"quoted\" \\ back"),
        }).ToList();
        await using (var queue = new RemoteWriteQueue(options, $"pipeline.test.{Guid.NewGuid():N}"))
        {
            for (var step = 0; step < 10; step++)
            {
                for (var i = 0; i < series.Count; i++)
                {
                    // A counter per series: i * 1000 + step * (i + 1), one sample a minute; some values are fractional.
                    Assert.True(queue.TryEnqueue(new RemoteWriteSample(series[i], start + (step * 60_000), (i * 1000) + (step * (i + 1)) + (i % 3 == 0 ? 0.25 : 0))));
                }
            }

            await queue.StopAsync();
            Assert.Equal(400, queue.Counters.SamplesSent);
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(start + (9 * 60_000));
        var latest = await prometheus.QueryAsync("pipeline_test_requests_total", at);
        Assert.Equal(40, latest.Count);
        foreach (var (labels, value) in latest)
        {
            var i = int.Parse(labels["pod"]["pod-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i % 2 == 0 ? "shop" : "payments", labels["namespace"]);
            Assert.Equal("grüße \"quoted\" \\ back", labels["unicode"]);
            Assert.Equal((i * 1000) + (9 * (i + 1)) + (i % 3 == 0 ? 0.25 : 0), value);
        }

        // Order and spacing survived the shards: Prometheus's increase over the 9 minutes is exactly 9 * (i + 1).
        var increase = await prometheus.QueryAsync("sum by (namespace) (pipeline_test_requests_total - pipeline_test_requests_total offset 9m)", at);
        var expected = Enumerable.Range(0, 40).GroupBy(i => i % 2 == 0 ? "shop" : "payments").ToDictionary(g => g.Key, g => g.Sum(i => 9.0 * (i + 1)));
        Assert.Equal(2, increase.Count);
        foreach (var (labels, value) in increase)
        {
            Assert.Equal(expected[labels["namespace"]], value, precision: 9);
        }
    }

    [Fact]
    public async Task Write_relabeling_and_external_labels_shape_what_prometheus_stores()
    {
        await using var prometheus = await PrometheusProcess.StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var options = new RemoteWriteOptions
        {
            Url = prometheus.RemoteWriteUrl,
            Name = "prometheus-relabel",
            ExternalLabels = [new("cluster", "eu-1"), new("namespace", "from-external")],
            WriteRelabelRules = Pipeline.Grains.Scraping.Relabeling.RelabelConfigReader.Parse("""
                write_relabel_configs:
                  - source_labels: [namespace]
                    regex: payments
                    action: drop
                  - action: labeldrop
                    regex: pod_template_hash
                """, "write_relabel_configs"),
            Queue = new RemoteWriteQueueOptions { MaxShards = 2, BatchSendDeadline = TimeSpan.FromMilliseconds(200) },
        };

        await using (var queue = new RemoteWriteQueue(options, $"pipeline.test.{Guid.NewGuid():N}"))
        {
            foreach (var ns in new[] { "shop", "payments", "billing" })
            {
                queue.TryEnqueue(new RemoteWriteSample(
                    [new("__name__", "pipeline_test_relabeled"), new("namespace", ns), new("pod_template_hash", "5d8f")], at.ToUnixTimeMilliseconds(), 1));
            }

            queue.TryEnqueue(new RemoteWriteSample([new("__name__", "pipeline_test_relabeled")], at.ToUnixTimeMilliseconds(), 2));
            await queue.StopAsync();
            Assert.Equal((3L, 1L), (queue.Counters.SamplesSent, queue.Counters.SamplesDroppedByRelabeling));
        }

        var stored = await prometheus.QueryAsync("pipeline_test_relabeled", at);
        Assert.Equal(
            ["billing", "from-external", "shop"],
            stored.Select(s => s.Labels["namespace"]).Order(StringComparer.Ordinal));
        Assert.All(stored, s => Assert.Equal("eu-1", s.Labels["cluster"]));
        Assert.All(stored, s => Assert.False(s.Labels.ContainsKey("pod_template_hash")));
    }
}
