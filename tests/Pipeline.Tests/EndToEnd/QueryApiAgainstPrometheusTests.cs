using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.PromQl;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The query API end to end on the real silo process: targets are scraped by target grains, every
/// sample lands in the silo's own metric store and goes by remote_write to a real Prometheus
/// (Debian's package); the same PromQL then runs against the silo's <c>/api/v1/query</c> and
/// <c>/api/v1/query_range</c> and against Prometheus's, and the answers must agree.
/// </summary>
public sealed class QueryApiAgainstPrometheusTests
{
    private const int Targets = 3;
    private const int GoodScrapes = 14;

    private static readonly string[] Instant =
    [
        "requests_total",
        "rate(requests_total[5s])",
        "irate(requests_total[5s])",
        "increase(requests_total[6s])",
        "delta(temperature_celsius[5s])",
        "avg_over_time(temperature_celsius[6s])",
        "max_over_time(temperature_celsius[6s])",
        "min_over_time(temperature_celsius[6s])",
        "sum_over_time(temperature_celsius[6s])",
        "count_over_time(temperature_celsius[6s])",
        "sum by (code) (rate(requests_total[5s]))",
        "sum without (instance, target) (requests_total)",
        "avg by (target) (temperature_celsius)",
        "max(temperature_celsius)",
        "min(temperature_celsius)",
        "count(temperature_celsius)",
        "topk(2, temperature_celsius)",
        "bottomk(1, temperature_celsius)",
        "histogram_quantile(0.9, sum by (le) (rate(latency_seconds_bucket[6s])))",
        "histogram_quantile(0.5, rate(latency_seconds_bucket[6s]))",
        "requests_total offset 3s",
        "temperature_celsius > 3",
        "temperature_celsius > bool 3",
        "requests_total{code=\"500\"} / ignoring(code) requests_total{code=\"200\"}",
        "requests_total / on(target, instance, job) group_left temperature_celsius",
        "temperature_celsius * 2 - 1",
        "up",
        "requests_total{target=~\"t[01]\",code!=\"500\"}",
        "requests_total{target!~\"t0\"}",
    ];

    [PrometheusFact]
    public async Task The_silos_query_api_answers_what_Prometheus_answers_over_the_same_scraped_samples()
    {
        await using var prometheus = await PrometheusProcess.StartAsync();
        await using var farm = await ScrapeTargetFarm.StartAsync((target, n) => n > GoodScrapes
            ? new TargetAnswer("gone\n", 503)
            : new TargetAnswer(Body(target, n)));

        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        var targets = string.Join("\n", Enumerable.Range(0, Targets).Select(t => $$"""
                  - targets: ['{{farm.Address}}']
                    labels: {__metrics_path__: /t/{{t}}, target: 't{{t}}'}
            """));
        await File.WriteAllTextAsync(config, $$"""
            data_dir: {{dir.Combine("data")}}
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: farm
                static_configs:
            {{targets}}
            remote_write:
              - url: {{prometheus.RemoteWriteUrl}}
                queue_config: {batch_send_deadline: 100ms, max_shards: 2}
            """);
        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();

        // Every target serves GoodScrapes bodies, then 503 for good: the scraped samples are a closed set.
        await Eventually.Until(() => Task.FromResult(Enumerable.Range(0, Targets).Min(farm.Requests)), n => n > GoodScrapes + 1, "every target failing");
        var frozenMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Both hold everything up to the freeze once `up` samples from after it reached them (remote_write sends in order).
        foreach (var api in new[] { silo.Http, prometheus.Http })
        {
            await Eventually.Until(
                async () => await QueryAsync(api, $"/api/v1/query?query={Uri.EscapeDataString("min(timestamp(up))")}&time={Seconds(frozenMs + 60_000)}"),
                answer => answer.Series.Count == 1 && answer.Series[0].Points[0].Value * 1000 > frozenMs + 2000,
                $"samples after the freeze in {api.BaseAddress}");
        }

        // The last good scrape of each target, and the instants around it: inside the data, at its edge, after the staleness markers.
        var lastGood = (await prometheus.QueryRawAsync("requests_total[10m]", DateTimeOffset.FromUnixTimeMilliseconds(frozenMs + 10_000)))
            .Min(s => s.Samples[^1].TimestampMs);
        var instants = new[] { lastGood - 4_000, lastGood - 1_500, lastGood, lastGood + 700 };
        var compared = 0;
        foreach (var query in Instant)
        {
            foreach (var time in instants)
            {
                var path = $"/api/v1/query?query={Uri.EscapeDataString(query)}&time={Seconds(time)}";
                var ours = await QueryAsync(silo.Http, path);
                var theirs = await QueryAsync(prometheus.Http, path);
                Assert.True(ours.ErrorType is null, $"{query} at {time}: {ours.ErrorType} {ours.Error}");
                Assert.Null(ours.Difference(theirs, ordered: false) is { } why ? $"{query} at {time}: {why}" : null);
                compared++;
            }

            var range = $"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(lastGood - 10_000)}&end={Seconds(lastGood + 3_000)}&step=1";
            var oursRange = await QueryAsync(silo.Http, range);
            Assert.True(oursRange.ErrorType is null, $"{query} range: {oursRange.ErrorType} {oursRange.Error}");
            Assert.Null(oursRange.Difference(await QueryAsync(prometheus.Http, range), ordered: false) is { } rangeWhy ? $"{query} range: {rangeWhy}" : null);
            compared++;
        }

        Assert.Equal(Instant.Length * 5, compared);
        Assert.NotEmpty((await QueryAsync(silo.Http, $"/api/v1/query?query=requests_total&time={Seconds(lastGood)}")).Series);

        // The metadata of the families the scrapers saw; series, label names and values as Prometheus lists them
        // (for the scraped job: the silo's store also holds its own metrics, job="pipeline").
        var window = $"start={Seconds(lastGood - 60_000)}&end={Seconds(lastGood + 60_000)}";
        var metadata = await silo.Http.GetFromJsonAsync<JsonElement>("/api/v1/metadata");
        Assert.Equal("counter", metadata.GetProperty("data").GetProperty("requests").EnumerateArray().Single().GetProperty("type").GetString());
        Assert.Equal("Requests served.", metadata.GetProperty("data").GetProperty("requests").EnumerateArray().Single().GetProperty("help").GetString());
        Assert.Equal("histogram", metadata.GetProperty("data").GetProperty("latency_seconds").EnumerateArray().Single().GetProperty("type").GetString());
        foreach (var path in new[]
        {
            $"/api/v1/series?match[]={Uri.EscapeDataString("requests_total")}&match[]={Uri.EscapeDataString("{__name__=~\"temp.*\",target=\"t1\"}")}&{window}",
            $"/api/v1/labels?match[]={Uri.EscapeDataString("{job=\"farm\"}")}&{window}",
            $"/api/v1/labels?match[]={Uri.EscapeDataString("latency_seconds_bucket")}&{window}",
            $"/api/v1/label/target/values?match[]={Uri.EscapeDataString("{job=\"farm\"}")}&{window}",
            $"/api/v1/label/le/values?match[]={Uri.EscapeDataString("latency_seconds_bucket{target=\"t2\"}")}&{window}",
        })
        {
            var ours = Sorted(await silo.Http.GetFromJsonAsync<JsonElement>(path));
            var theirs = Sorted(await prometheus.Http.GetFromJsonAsync<JsonElement>(path));
            Assert.Equal(theirs, ours);
            Assert.NotEmpty(ours);
        }

        // Errors in Prometheus's shape and status: a parse error, an unsupported construct named, a missing parameter.
        foreach (var (path, status, named) in new[]
        {
            ("/api/v1/query?query=" + Uri.EscapeDataString("sum(rate(x[5m])"), 400, "parse error"),
            ("/api/v1/query?query=" + Uri.EscapeDataString("rate(x[5m:1m])"), 400, "subquer"),
            ("/api/v1/query_range?query=up&start=1&end=2", 400, "step"),
        })
        {
            var response = await silo.Http.GetAsync(path);
            Assert.Equal(status, (int)response.StatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("error", error.GetProperty("status").GetString());
            Assert.Equal("bad_data", error.GetProperty("errorType").GetString());
            Assert.Contains(named, error.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>What target <paramref name="target"/> serves to its <paramref name="n"/>-th request: a counter, a gauge and a histogram.</summary>
    private static string Body(int target, int n)
    {
        var buckets = new[] { ("0.1", 3 * n), ("0.5", (5 * n) + target), ("1", (7 * n) + (2 * target)), ("+Inf", (8 * n) + (2 * target)) };
        return "# HELP requests Requests served.\n# TYPE requests counter\n" +
            $"requests_total{{code=\"200\"}} {(10 * n) + target}\n" +
            $"requests_total{{code=\"500\"}} {n / 3}\n" +
            "# TYPE temperature_celsius gauge\n" +
            $"temperature_celsius {((n % 5) * 1.5) + target}\n" +
            "# TYPE latency_seconds histogram\n" +
            string.Concat(buckets.Select(b => $"latency_seconds_bucket{{le=\"{b.Item1}\"}} {b.Item2}\n")) +
            $"latency_seconds_sum {n * 0.37}\nlatency_seconds_count {buckets[^1].Item2}\n";
    }

    private static async Task<QueryAnswer> QueryAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return QueryAnswer.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>data</c> of a series or labels answer, each entry as text, sorted (the two list series in different orders).</summary>
    private static List<string> Sorted(JsonElement answer)
    {
        Assert.Equal("success", answer.GetProperty("status").GetString());
        return [.. answer.GetProperty("data").EnumerateArray().Select(e => e.GetRawText()).Order(StringComparer.Ordinal)];
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
