using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using static Pipeline.Tests.RemoteWrite.RemoteWriteTestSeries;

namespace Pipeline.Tests.RemoteWrite;

/// <summary><c>write_relabel_configs</c> and <c>external_labels</c> of a remote_write entry, through the queue and the per-series cache.</summary>
public sealed class RemoteWriteRelabelingTests
{
    private const long T0 = 1_764_064_800_000;

    [Fact]
    public async Task A_series_dropped_by_write_relabeling_is_not_sent_and_its_samples_are_counted()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var rules = RelabelConfigReader.Parse("""
            write_relabel_configs:
              - source_labels: [__name__]
                regex: go_.*
                action: drop
              - action: labeldrop
                regex: pod_template_hash
            """, "write_relabel_configs");
        var goroutines = Series("go_goroutines", "pod", "api-1");
        var requests = Series("http_requests_total", "pod", "api-1", "pod_template_hash", "5d8f");
        await using (var queue = NewQueue(receiver, rules, []))
        {
            for (var t = 0; t < 3; t++)
            {
                Assert.False(queue.TryEnqueue(new RemoteWriteSample(goroutines, T0 + t, 10)));
                Assert.True(queue.TryEnqueue(new RemoteWriteSample(requests, T0 + t, t)));
            }

            await queue.StopAsync();
            var counters = queue.Counters;
            Assert.Equal((3L, 3L, 3L, 0L), (counters.SamplesDroppedByRelabeling, counters.SamplesEnqueued, counters.SamplesSent, counters.SamplesDroppedQueueFull));
            Assert.Equal(3, counters.SamplesDropped);
        }

        Assert.Equal(
            [("__name__=\"http_requests_total\",pod=\"api-1\"", T0, 0d), ("__name__=\"http_requests_total\",pod=\"api-1\"", T0 + 1, 1d), ("__name__=\"http_requests_total\",pod=\"api-1\"", T0 + 2, 2d)],
            receiver.Samples.Select(s => (s.Series, s.TimestampMs, s.Value)));
    }

    [Fact]
    public async Task External_labels_are_added_in_name_order_and_a_series_own_label_wins()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        await using (var queue = NewQueue(receiver, [], [new("cluster", "eu-1"), new("zone", "b"), new("pod", "from-external")]))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up", "pod", "api-1"), T0, 1));
            queue.TryEnqueue(new RemoteWriteSample(Series("up", "job", "node"), T0, 1));
            await queue.StopAsync();
        }

        Assert.Equal(
            [
                "__name__=\"up\",cluster=\"eu-1\",job=\"node\",pod=\"from-external\",zone=\"b\"",
                "__name__=\"up\",cluster=\"eu-1\",pod=\"api-1\",zone=\"b\"",
            ],
            receiver.Samples.Select(s => s.Series).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Write_relabel_rules_see_the_external_labels_as_in_prometheus()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var rules = RelabelConfigReader.Parse("""
            write_relabel_configs:
              - source_labels: [cluster, pod]
                separator: /
                target_label: where
              - action: labeldrop
                regex: cluster
            """, "write_relabel_configs");
        await using (var queue = NewQueue(receiver, rules, [new("cluster", "eu-1")]))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up", "pod", "api-1"), T0, 1));
            await queue.StopAsync();
        }

        Assert.Equal("__name__=\"up\",pod=\"api-1\",where=\"eu-1/api-1\"", Assert.Single(receiver.Samples).Series);
    }

    [Fact]
    public void Without_rules_or_external_labels_there_is_no_relabeling_step()
    {
        Assert.Null(RemoteWriteSeriesRelabeler.For(new RemoteWriteOptions { Url = new Uri("http://127.0.0.1:9/api/v1/write") }));
    }

    [Fact]
    public void A_series_is_relabeled_once_and_keeps_one_output_array()
    {
        var relabeler = Relabeler("""
            write_relabel_configs:
              - target_label: env
                replacement: prod
            """);
        var series = Series("up", "pod", "api-1");
        var unchanged = Series("up", "env", "prod");

        var first = relabeler.Relabel(series)!;
        var again = relabeler.Relabel(series);

        Assert.Equal(first, again);
        Assert.Equal([new("__name__", "up"), new("env", "prod"), new("pod", "api-1")], first.DecodeLabels());
        Assert.Equal(unchanged, relabeler.Relabel(unchanged));
        Assert.Equal(2, relabeler.CachedSeriesCount);
    }

    [Fact]
    public async Task Concurrent_producers_of_one_series_get_the_same_labels_array()
    {
        var relabeler = Relabeler("""
            write_relabel_configs:
              - target_label: env
                replacement: prod
            """);
        var series = Enumerable.Range(0, 200).Select(i => Series("requests_total", "pod", $"api-{i}")).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => series.Select(relabeler.Relabel).ToArray())));

        for (var i = 0; i < series.Length; i++)
        {
            Assert.All(results, r => Assert.Equal(results[0][i], r[i]));
        }

        Assert.Equal(200, relabeler.CachedSeriesCount);
    }

    [Fact]
    public void The_cache_forgets_series_that_went_away_and_keeps_those_in_use()
    {
        var relabeler = Relabeler("""
            write_relabel_configs:
              - target_label: env
                replacement: prod
            """, minTrimThreshold: 16);
        var live = Enumerable.Range(0, 4).Select(i => Series("up", "pod", $"live-{i}")).ToArray();
        var liveOutputs = live.Select(relabeler.Relabel).ToArray();
        var maxCached = 0;

        // Each "scrape" uses the live series again and three series that never come back (churn).
        for (var scrape = 0; scrape < 500; scrape++)
        {
            for (var i = 0; i < live.Length; i++)
            {
                Assert.Equal(liveOutputs[i], relabeler.Relabel(live[i]));
            }

            for (var j = 0; j < 3; j++)
            {
                Assert.False(relabeler.Relabel(Series("up", "pod", $"gone-{scrape}-{j}")).IsDefault);
            }

            maxCached = Math.Max(maxCached, relabeler.CachedSeriesCount);
        }

        // Live series plus at most two generations of churn (each at least the 16 of the threshold).
        Assert.InRange(maxCached, live.Length, live.Length + (2 * 16));
        Assert.InRange(relabeler.CachedSeriesCount, live.Length, live.Length + (2 * 16));
    }

    [Fact]
    public void Write_relabel_config_mistakes_name_their_key_and_line()
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader("""
            remote_write:
              - url: http://prometheus:9090/api/v1/write
                write_relabel_configs:
                  - action: replce
                    source_labels: [__name__]
                  - regex: a
                    actoin: drop
            """));
        var errors = new List<string>();
        var root = new Pipeline.Grains.Configuration.ConfigNode((YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode, "", errors);

        RemoteWriteConfigReader.ReadAll(root);

        Assert.Contains(errors, e => e.StartsWith("remote_write[0].write_relabel_configs[0].action (line 4): unknown relabel action 'replce'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[0].write_relabel_configs[1].actoin (line 7): unknown key 'actoin'", StringComparison.Ordinal));
    }

    private static RemoteWriteSeriesRelabeler Relabeler(string yaml, int minTrimThreshold = RemoteWriteSeriesRelabeler.MinTrimThreshold) =>
        RemoteWriteSeriesRelabeler.For(
            new RemoteWriteOptions { Url = new Uri("http://127.0.0.1:9/api/v1/write"), WriteRelabelRules = RelabelConfigReader.Parse(yaml, "write_relabel_configs") },
            minTrimThreshold)!;

    private static RemoteWriteQueue NewQueue(RemoteWriteReceiver receiver, IReadOnlyList<RelabelRule> rules, IReadOnlyList<KeyValuePair<string, string>> externalLabels) =>
        new(
            new RemoteWriteOptions
            {
                Url = receiver.WriteUrl,
                Name = "relabel",
                WriteRelabelRules = rules,
                ExternalLabels = externalLabels,
                Queue = new RemoteWriteQueueOptions { MaxShards = 2, BatchSendDeadline = TimeSpan.FromHours(1), MinBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) },
            },
            $"Pipeline.Tests.RemoteWrite.{Guid.NewGuid():N}");
}
