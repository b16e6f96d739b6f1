using Xunit;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>Synthetic series and staleness markers, as Prometheus's scrape loop writes them.</summary>
public sealed class TargetScraperStalenessTests : IAsyncLifetime
{
    private ScrapeTargetStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await ScrapeTargetStandIn.StartAsync();

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task Synthetic_series_report_up_duration_and_counts_after_every_scrape()
    {
        _standIn.Body = "a 1\nb 2\nc 3\n";
        using var scrape = new ScrapeHarness(_standIn);
        _standIn.OnRequest = () => scrape.Time.Advance(TimeSpan.FromMilliseconds(1500));

        var first = await scrape.ScrapeAsync();
        var series = scrape.LastSeries();

        Assert.Equal(TimeSpan.FromMilliseconds(1500), first.Duration);
        Assert.Equal(1, series[scrape.Name("up")]);
        Assert.Equal(1.5, series[scrape.Name("scrape_duration_seconds")]);
        Assert.Equal(3, series[scrape.Name("scrape_samples_scraped")]);
        Assert.Equal(3, series[scrape.Name("scrape_samples_post_metric_relabeling")]);
        Assert.Equal(3, series[scrape.Name("scrape_series_added")]);
        Assert.All(scrape.Sink.Last, s => Assert.Equal(ScrapeHarness.Start.ToUnixTimeMilliseconds(), s.TimestampMs));

        await scrape.ScrapeAsync();
        Assert.Equal(0, scrape.LastSeries()[scrape.Name("scrape_series_added")]);

        _standIn.Body = "a 1\nb 2\nc 3\nd 4\n";
        var third = await scrape.ScrapeAsync();
        Assert.Equal(1, third.SeriesAdded);
        Assert.Equal(1, scrape.LastSeries()[scrape.Name("scrape_series_added")]);
    }

    [Fact]
    public async Task A_series_that_disappears_gets_a_staleness_marker_at_the_scrape_time()
    {
        _standIn.Body = "a 1\nb 2\n";
        using var scrape = new ScrapeHarness(_standIn);
        await scrape.ScrapeAsync();

        _standIn.Body = "a 1\n";
        scrape.Time.Advance(TimeSpan.FromSeconds(15));
        await scrape.ScrapeAsync();

        var stale = Assert.Single(scrape.Sink.Last, RecordingScrapeSink.IsStale);
        Assert.Equal(scrape.Name("b"), RecordingScrapeSink.Name(stale.Series));
        Assert.Equal(scrape.NowMs, stale.TimestampMs);
        Assert.Equal(scrape.Sink.Batches[0][1].Series, stale.Series);

        // Marked once: the next scrape has nothing more to say about b.
        await scrape.ScrapeAsync();
        Assert.DoesNotContain(scrape.Sink.Last, RecordingScrapeSink.IsStale);
    }

    [Fact]
    public async Task Series_with_explicit_timestamps_get_no_marker_unless_track_timestamps_staleness()
    {
        _standIn.Body = "a 1 1700000000000\nb 2\n";
        using var plain = new ScrapeHarness(_standIn);
        using var tracking = new ScrapeHarness(_standIn, trackTimestampsStaleness: true);
        await plain.ScrapeAsync();
        await tracking.ScrapeAsync();

        _standIn.Body = "";
        await plain.ScrapeAsync();
        await tracking.ScrapeAsync();

        Assert.Equal([plain.Name("b")], plain.Sink.Last.Where(RecordingScrapeSink.IsStale).Select(s => RecordingScrapeSink.Name(s.Series)));
        Assert.Equal(
            [tracking.Name("a"), tracking.Name("b")],
            tracking.Sink.Last.Where(RecordingScrapeSink.IsStale).Select(s => RecordingScrapeSink.Name(s.Series)));
    }

    [Fact]
    public async Task A_failed_scrape_hands_only_up_0_and_markers_for_every_series_of_the_last_good_scrape()
    {
        _standIn.Body = "a 1\nb 2\n";
        using var scrape = new ScrapeHarness(_standIn);
        await scrape.ScrapeAsync();

        _standIn.Status = 500;
        var failed = await scrape.ScrapeAsync();

        Assert.Equal("server returned HTTP status 500 Internal Server Error", failed.Error);
        var batch = scrape.Sink.Last;
        Assert.Equal([scrape.Name("a"), scrape.Name("b")], batch.Where(RecordingScrapeSink.IsStale).Select(s => RecordingScrapeSink.Name(s.Series)));
        var rest = RecordingScrapeSink.Series(batch.Where(s => !RecordingScrapeSink.IsStale(s)));
        Assert.Equal(
            new Dictionary<string, double>
            {
                [scrape.Name("up")] = 0,
                [scrape.Name("scrape_duration_seconds")] = 0,
                [scrape.Name("scrape_samples_scraped")] = 0,
                [scrape.Name("scrape_samples_post_metric_relabeling")] = 0,
                [scrape.Name("scrape_series_added")] = 0,
            },
            rest);

        // A second failure has no series left to mark; a success brings them back (not added: they were in the last good scrape).
        await scrape.ScrapeAsync();
        Assert.DoesNotContain(scrape.Sink.Last, RecordingScrapeSink.IsStale);
        _standIn.Status = 200;
        var back = await scrape.ScrapeAsync();
        Assert.Null(back.Error);
        Assert.Equal(0, back.SeriesAdded);
        Assert.Equal(1, scrape.LastSeries()[scrape.Name("a")]);
    }

    [Fact]
    public async Task MarkStale_marks_the_last_scrapes_series_and_the_synthetic_series()
    {
        _standIn.Body = "a 1\nb 2\n";
        using var scrape = new ScrapeHarness(_standIn);
        await scrape.ScrapeAsync();
        var removedAt = scrape.NowMs + 30_000;

        scrape.Scraper.MarkStale(removedAt);

        var batch = scrape.Sink.Last;
        Assert.All(batch, s => Assert.True(RecordingScrapeSink.IsStale(s)));
        Assert.All(batch, s => Assert.Equal(removedAt, s.TimestampMs));
        Assert.Equal(
            [
                scrape.Name("a"), scrape.Name("b"), scrape.Name("up"), scrape.Name("scrape_duration_seconds"), scrape.Name("scrape_samples_scraped"),
                scrape.Name("scrape_samples_post_metric_relabeling"), scrape.Name("scrape_series_added"),
            ],
            batch.Select(s => RecordingScrapeSink.Name(s.Series)));
        Assert.Equal(0, scrape.Scraper.TrackedSeries);
    }
}
