using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The metrics path end to end on the real silo process: targets served over HTTP, scraped by target
/// grains, sent by remote_write to a real Prometheus (Debian's package), and queried back from it.
/// </summary>
public sealed class ScrapeToPrometheusTests
{
    private const int Good = 0;
    private const int Other = 1;
    private const int Garbage = 2;
    private const int GoodScrapes = 6;

    /// <summary>
    /// The requests of the target (1-based) a scrape started at <paramref name="timestampMs"/> may have been: those that
    /// arrived from then until its timeout ran out. The scrape's timestamp is taken just before its request is sent (a
    /// millisecond of rounding either way); on a loaded machine a request the silo already gave up on can arrive after it.
    /// </summary>
    private static HashSet<double> ServedWithin(IReadOnlyList<DateTimeOffset> arrivals, long timestampMs, long timeoutMs) =>
        [.. arrivals.Select((a, i) => (At: a.ToUnixTimeMilliseconds(), Value: (double)(i + 1)))
            .Where(a => a.At >= timestampMs - 1 && a.At <= timestampMs + timeoutMs + 1)
            .Select(a => a.Value)];

    [Fact]
    public async Task What_the_targets_served_is_what_Prometheus_answers_and_a_broken_target_shows_why()
    {
        await using var prometheus = await PrometheusProcess.StartAsync();
        await using var farm = await ScrapeTargetFarm.StartAsync((target, n) => target switch
        {
            Garbage => new TargetAnswer("this is { not a metric\n"),
            Good when n > GoodScrapes => new TargetAnswer("overloaded\n", 503),
            _ => new TargetAnswer(
                "# TYPE served counter\n" +
                $"served_total {n}\n" +
                "# TYPE temperature_celsius gauge\n" +
                $"temperature_celsius{{job=\"exporter\",room=\"r{target}\"}} {(n * 0.5) + target}\n"),
        });

        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        await File.WriteAllTextAsync(config, $$"""
            data_dir: {{dir.Combine("data")}}
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              external_labels: {cluster: e2e}
            scrape_configs:
              - job_name: farm
                static_configs:
                  - targets: ['{{farm.Address}}']
                    labels: {__metrics_path__: /t/{{Good}}, target: '{{Good}}'}
                  - targets: ['{{farm.Address}}']
                    labels: {__metrics_path__: /t/{{Other}}, target: '{{Other}}'}
                  - targets: ['{{farm.Address}}']
                    labels: {__metrics_path__: /t/{{Garbage}}, target: '{{Garbage}}'}
            remote_write:
              - url: {{prometheus.RemoteWriteUrl}}
                queue_config: {batch_send_deadline: 100ms, max_shards: 2}
            """);
        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();

        // The good target serves its counter six times, then fails: the scrapes that succeeded are a closed set.
        await Eventually.Until(() => Task.FromResult(farm.Requests(Good)), n => n > GoodScrapes, "a failed scrape of the good target");

        // The failed scrapes reach Prometheus: up 0, and the series marked stale, so an instant query no longer finds it.
        await Eventually.Until(
            async () =>
            {
                var at = DateTimeOffset.UtcNow;
                var up = await prometheus.QueryAsync($"up{{target=\"{Good}\"}}", at);
                var current = await prometheus.QueryAsync($"served_total{{target=\"{Good}\"}}", at);
                return up.Count == 1 && up[0].Value == 0 && current.Count == 0;
            },
            done => done,
            "up 0 and a stale served_total for the failing target");

        // Every successful scrape (up 1) has its served_total sample at the same timestamp, holding the value the
        // target served to that request; no other served_total sample exists: nothing lost, nothing doubled.
        // (A scrape the silo gave up on after scrape_timeout, on a loaded machine, is up 0: not a scraped sample.)
        var now = DateTimeOffset.UtcNow;
        var ups = (await prometheus.QueryRawAsync($"up{{target=\"{Good}\"}}[10m]", now)).Single().Samples;
        var (labels, samples) = (await prometheus.QueryRawAsync($"served_total{{target=\"{Good}\"}}[10m]", now)).Single();
        var arrivals = farm.Arrivals(Good);
        var succeeded = ups.Where(u => u.Value == 1).Select(u => u.TimestampMs).ToList();
        Assert.Equal(succeeded, samples.Select(s => s.TimestampMs));
        Assert.All(samples, s => Assert.Contains(s.Value, ServedWithin(arrivals, s.TimestampMs, timeoutMs: 1000)));
        Assert.True(succeeded.Count >= GoodScrapes / 2, $"only {succeeded.Count} of {GoodScrapes} scrapes succeeded");
        Assert.All(samples, s => Assert.InRange(s.Value, 1, GoodScrapes));
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.First.TimestampMs < p.Second.TimestampMs && p.First.Value < p.Second.Value), "timestamps and values increase");
        Assert.Equal("farm", labels["job"]);
        Assert.Equal(farm.Address, labels["instance"]);
        Assert.Equal("e2e", labels["cluster"]);

        // The target's own job label is kept as exported_job; the target's labels win.
        var temperature = await prometheus.QueryRawAsync($"temperature_celsius{{target=\"{Other}\"}}[10m]", DateTimeOffset.UtcNow);
        var other = temperature.Single();
        Assert.Equal("exporter", other.Labels["exported_job"]);
        Assert.Equal("farm", other.Labels["job"]);
        Assert.All(other.Samples, s => Assert.Equal(0, ((s.Value - Other) * 2) % 1));

        Assert.Equal(1, (await prometheus.QueryAsync($"up{{target=\"{Other}\"}}", now)).Single().Value);
        Assert.Equal(0, (await prometheus.QueryAsync($"up{{target=\"{Garbage}\"}}", now)).Single().Value);
        Assert.NotEmpty(await prometheus.QueryAsync($"scrape_duration_seconds{{target=\"{Other}\"}}", now));
        Assert.Equal(2, (await prometheus.QueryAsync($"scrape_samples_scraped{{target=\"{Other}\"}}", now)).Single().Value);

        // /api/v1/targets in Prometheus's shape, with the reason the broken target is down.
        var targets = await silo.Http.GetFromJsonAsync<JsonElement>("/api/v1/targets");
        Assert.Equal("success", targets.GetProperty("status").GetString());
        var active = targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("labels").GetProperty("target").GetString()!);
        Assert.Equal(3, active.Count);
        Assert.Equal("up", active[$"{Other}"].GetProperty("health").GetString());
        Assert.Equal($"http://{farm.Address}/t/{Other}", active[$"{Other}"].GetProperty("scrapeUrl").GetString());
        Assert.Equal("down", active[$"{Garbage}"].GetProperty("health").GetString());
        Assert.NotEqual("", active[$"{Garbage}"].GetProperty("lastError").GetString());
        Assert.Contains("503", active[$"{Good}"].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("1s", active[$"{Other}"].GetProperty("scrapeInterval").GetString());
        Assert.Equal(0, targets.GetProperty("data").GetProperty("droppedTargetCounts").GetProperty("farm").GetInt32());
    }
}
