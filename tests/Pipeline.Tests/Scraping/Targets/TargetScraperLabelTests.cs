using Pipeline.Grains.RemoteWrite;
using Xunit;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>What a scraped series is called: target labels, honor_labels, metric relabeling, timestamps.</summary>
public sealed class TargetScraperLabelTests : IAsyncLifetime
{
    private ScrapeTargetStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await ScrapeTargetStandIn.StartAsync();

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task Series_get_the_target_labels_and_a_label_array_sorted_by_name_with_the_metric_name()
    {
        _standIn.Body = "http_requests_total{method=\"GET\",code=\"200\"} 5\n";
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.Null(report.Error);
        var sample = scrape.Sink.Last[0];
        Assert.Equal(
            [
                new("__name__", "http_requests_total"), new("code", "200"), new("env", "prod"),
                new("instance", _standIn.Address), new("job", "app"), new("method", "GET"),
            ],
            sample.Series.DecodeLabels());
        Assert.Equal(5, sample.Value);
        Assert.Equal(scrape.NowMs, sample.TimestampMs);
    }

    [Fact]
    public async Task An_exposed_label_that_clashes_with_a_target_label_is_kept_as_exported_when_honor_labels_is_off()
    {
        _standIn.Body = "a{job=\"exposed\",exported_job=\"taken\",instance=\"\"} 1\n";
        using var scrape = new ScrapeHarness(_standIn);

        await scrape.ScrapeAsync();

        var labels = scrape.Sink.Last[0].Series.DecodeLabels();
        Assert.Equal("app", Value(labels, "job"));
        Assert.Equal("taken", Value(labels, "exported_job"));
        Assert.Equal("exposed", Value(labels, "exported_exported_job"));

        // An empty exposed value is no label: the target's instance stands, nothing is exported.
        Assert.Equal(_standIn.Address, Value(labels, "instance"));
        Assert.DoesNotContain(labels, l => l.Name == "exported_instance");
    }

    [Fact]
    public async Task With_honor_labels_the_exposed_label_wins_and_an_empty_one_removes_the_target_label()
    {
        _standIn.Body = "a{job=\"exposed\",instance=\"\"} 1\n";
        using var scrape = new ScrapeHarness(_standIn, honorLabels: true);

        await scrape.ScrapeAsync();

        var labels = scrape.Sink.Last[0].Series.DecodeLabels();
        Assert.Equal([new("__name__", "a"), new("env", "prod"), new("job", "exposed")], labels);
    }

    [Fact]
    public async Task Exposed_timestamps_are_kept_with_honor_timestamps_and_replaced_by_the_scrape_time_without()
    {
        _standIn.Body = "with_time 1 1700000000123\nwithout_time 2\n";
        using var honoring = new ScrapeHarness(_standIn);
        using var ignoring = new ScrapeHarness(_standIn, honorTimestamps: false);

        await honoring.ScrapeAsync();
        await ignoring.ScrapeAsync();

        Assert.Equal([1700000000123L, honoring.NowMs], honoring.Sink.Last.Take(2).Select(s => s.TimestampMs));
        Assert.Equal([ignoring.NowMs, ignoring.NowMs], ignoring.Sink.Last.Take(2).Select(s => s.TimestampMs));
    }

    [Fact]
    public async Task Metric_relabeling_drops_and_rewrites_series_and_the_counts_show_it()
    {
        _standIn.Body = """
            go_goroutines 12
            go_threads 8
            http_requests_total{code="200",pod_template_hash="7c9d"} 5
            http_requests_total{code="500",pod_template_hash="7c9d"} 1

            """;
        using var scrape = new ScrapeHarness(_standIn, metricRelabel: """
            relabel_configs:
              - source_labels: [__name__]
                regex: go_.*
                action: drop
              - action: labeldrop
                regex: pod_template_hash
            """);

        var report = await scrape.ScrapeAsync();

        Assert.Equal(4, report.SamplesScraped);
        Assert.Equal(2, report.SamplesPostMetricRelabeling);
        var series = scrape.LastSeries();
        Assert.Equal(5, series[scrape.Name("http_requests_total", "code=\"200\"")]);
        Assert.Equal(1, series[scrape.Name("http_requests_total", "code=\"500\"")]);
        Assert.DoesNotContain(series.Keys, name => name.StartsWith("go_", StringComparison.Ordinal));
        Assert.Equal(4, series[scrape.Name("scrape_samples_scraped")]);
        Assert.Equal(2, series[scrape.Name("scrape_samples_post_metric_relabeling")]);
    }

    [Fact]
    public async Task Metric_relabeling_keep_leaves_only_the_matching_series()
    {
        _standIn.Body = "a 1\nb 2\nc 3\n";
        using var scrape = new ScrapeHarness(_standIn, metricRelabel: """
            relabel_configs:
              - source_labels: [__name__]
                regex: b
                action: keep
            """);

        var report = await scrape.ScrapeAsync();

        Assert.Equal(1, report.SamplesPostMetricRelabeling);
        Assert.Equal(["b"], scrape.Sink.Last.Select(s => Value(s.Series.DecodeLabels(), "__name__")).Where(n => n.Length == 1));
    }

    [Fact]
    public async Task Synthetic_series_are_not_subject_to_metric_relabeling()
    {
        _standIn.Body = "a 1\n";
        using var scrape = new ScrapeHarness(_standIn, metricRelabel: """
            relabel_configs:
              - source_labels: [__name__]
                regex: up|scrape_.*|a
                action: drop
              - target_label: added
                replacement: by-relabeling
            """);

        await scrape.ScrapeAsync();

        Assert.Equal(
            [
                scrape.Name("up"), scrape.Name("scrape_duration_seconds"), scrape.Name("scrape_samples_scraped"),
                scrape.Name("scrape_samples_post_metric_relabeling"), scrape.Name("scrape_series_added"),
            ],
            scrape.LastSeries().Keys);
    }

    [Fact]
    public async Task A_series_is_handed_as_the_same_object_on_every_scrape()
    {
        _standIn.Body = "a{x=\"1\"} 1\nb 2\n";
        using var scrape = new ScrapeHarness(_standIn);

        await scrape.ScrapeAsync();
        var first = scrape.Sink.Last;
        _standIn.Body = "a{x=\"1\"} 10\nb 20\n";
        await scrape.ScrapeAsync();
        var second = scrape.Sink.Last;

        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i].Series, second[i].Series);
        }

        Assert.Equal([10.0, 20.0], second.Take(2).Select(s => s.Value));
        Assert.Equal(2, scrape.Scraper.CachedSeries);
    }

    [Fact]
    public async Task A_series_gone_for_two_scrapes_leaves_the_cache()
    {
        _standIn.Body = "a 1\nb 2\n";
        using var scrape = new ScrapeHarness(_standIn);
        await scrape.ScrapeAsync();

        _standIn.Body = "a 1\n";
        await scrape.ScrapeAsync();
        Assert.Equal(2, scrape.Scraper.CachedSeries); // kept one more scrape, as Prometheus does
        await scrape.ScrapeAsync();

        Assert.Equal(1, scrape.Scraper.CachedSeries);
    }

    [Fact]
    public async Task A_second_sample_of_a_series_in_one_body_is_dropped()
    {
        _standIn.Body = "a 1\na 2\n";
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.Equal(2, report.SamplesScraped);
        Assert.Equal(1, report.SamplesPostMetricRelabeling);
        Assert.Equal(1, scrape.LastSeries()[scrape.Name("a")]);
    }

    private static string Value(RemoteWriteLabel[] labels, string name) => labels.FirstOrDefault(l => l.Name == name).Value ?? "";
}
