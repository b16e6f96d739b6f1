using System.Net;
using System.Net.Sockets;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>Scrapes that fail: up 0 with a reason a user can act on, and none of the body's samples handed on.</summary>
public sealed class TargetScraperFailureTests : IAsyncLifetime
{
    private ScrapeTargetStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await ScrapeTargetStandIn.StartAsync();

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task More_samples_than_sample_limit_after_relabeling_fail_the_scrape()
    {
        _standIn.Body = "a 1\nb 2\nc 3\ndropped 4\n";
        using var within = new ScrapeHarness(_standIn, limits: new ExpositionLimits { SampleLimit = 3 }, metricRelabel: DropNamed("dropped"));
        using var over = new ScrapeHarness(_standIn, limits: new ExpositionLimits { SampleLimit = 2 }, metricRelabel: DropNamed("dropped"));

        var ok = await within.ScrapeAsync();
        var failed = await over.ScrapeAsync();

        Assert.Null(ok.Error);
        Assert.StartsWith("line 3: sample_limit exceeded (more than 2 samples", failed.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(over);
    }

    [Fact]
    public async Task A_body_larger_than_body_size_limit_fails_the_scrape()
    {
        _standIn.Body = string.Concat(Enumerable.Range(0, 200).Select(i => $"metric_{i} {i}\n"));
        using var scrape = new ScrapeHarness(_standIn, limits: new ExpositionLimits { BodySizeLimit = 1000 });

        var report = await scrape.ScrapeAsync();

        Assert.StartsWith("body_size_limit exceeded", report.Error, StringComparison.Ordinal);
        Assert.Contains("1000 bytes", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_body_that_is_not_an_exposition_fails_with_the_line_of_the_mistake()
    {
        _standIn.Body = "good 1\n<html><body>Not Found</body></html>\n";
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.StartsWith("line 2: ", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_line_longer_than_the_line_cap_fails_the_scrape()
    {
        _standIn.Body = "a " + new string('9', 2000) + "\n";
        using var scrape = new ScrapeHarness(_standIn, limits: new ExpositionLimits { MaxLineBytes = 512 });

        var report = await scrape.ScrapeAsync();

        Assert.Contains("line is longer than 512 bytes", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task Label_limits_are_checked_on_the_final_labels()
    {
        _standIn.Body = "a{x=\"1\"} 1\n";
        using var labels = new ScrapeHarness(_standIn, limits: new ExpositionLimits { LabelLimit = 4 });
        using var values = new ScrapeHarness(_standIn, limits: new ExpositionLimits { LabelValueLengthLimit = 5 });
        using var fits = new ScrapeHarness(_standIn, limits: new ExpositionLimits { LabelLimit = 5, LabelValueLengthLimit = 20 });

        // __name__, x and the target's env, instance and job: five labels; the address is longer than 5 bytes.
        var tooMany = await labels.ScrapeAsync();
        var tooLong = await values.ScrapeAsync();
        var ok = await fits.ScrapeAsync();

        Assert.Equal("line 1: label_limit exceeded (metric a has 5 labels, __name__ included; limit 4)", tooMany.Error);
        Assert.StartsWith("line 1: label_value_length_limit exceeded (metric a, label instance", tooLong.Error, StringComparison.Ordinal);
        Assert.Null(ok.Error);
        AssertOnlyUpZero(labels);
    }

    [Fact]
    public async Task A_target_that_does_not_answer_within_scrape_timeout_is_down_with_a_deadline_error()
    {
        _standIn.Body = "a 1\n";
        _standIn.HoldBeforeHeaders = true;
        using var scrape = new ScrapeHarness(_standIn, timeout: TimeSpan.FromMilliseconds(300));
        // The scraper's clock passes scrape_timeout while the answer is held.
        _standIn.OnHold = () => scrape.Time.Advance(TimeSpan.FromMilliseconds(300));

        var report = await scrape.ScrapeAsync();

        Assert.Contains("context deadline exceeded", report.Error, StringComparison.Ordinal);
        Assert.Contains("scrape_timeout 300ms", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_body_that_stalls_halfway_is_cut_at_scrape_timeout_and_nothing_of_it_is_kept()
    {
        _standIn.Body = string.Concat(Enumerable.Range(0, 100).Select(i => $"metric_{i} {i}\n"));
        _standIn.GzipWhenAsked = false;
        _standIn.HoldAfterBytes = 500;
        using var scrape = new ScrapeHarness(_standIn, timeout: TimeSpan.FromMilliseconds(300));
        // The scraper's clock passes scrape_timeout while the answer is held.
        _standIn.OnHold = () => scrape.Time.Advance(TimeSpan.FromMilliseconds(300));

        var report = await scrape.ScrapeAsync();

        Assert.Contains("context deadline exceeded", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_connection_refused()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var scrape = new ScrapeHarness(_standIn, address: $"127.0.0.1:{port}");

        var report = await scrape.ScrapeAsync();

        Assert.Equal($"GET http://127.0.0.1:{port}/metrics: connection refused", report.Error);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_connection_cut_in_the_middle_of_the_body_fails_the_scrape()
    {
        _standIn.Body = string.Concat(Enumerable.Range(0, 100).Select(i => $"metric_{i} {i}\n"));
        _standIn.AbortAfterBytes = 300;
        using var scrape = new ScrapeHarness(_standIn, enableCompression: false);

        var report = await scrape.ScrapeAsync();

        Assert.StartsWith($"GET {scrape.Target.Url}: ", report.Error, StringComparison.Ordinal);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task A_gzip_body_cut_short_fails_the_scrape()
    {
        _standIn.Body = string.Concat(Enumerable.Range(0, 100).Select(i => $"metric_{i} {i}\n"));
        _standIn.AbortAfterBytes = 100;
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.NotNull(report.Error);
        AssertOnlyUpZero(scrape);
    }

    [Fact]
    public async Task Cancelling_the_scrape_throws_and_hands_nothing_on()
    {
        _standIn.HoldBeforeHeaders = true;
        using var scrape = new ScrapeHarness(_standIn);
        using var cancel = new CancellationTokenSource();

        var scraping = scrape.Scraper.ScrapeAsync(cancel.Token);
        await _standIn.FirstRequest;

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scraping);
        Assert.Empty(scrape.Sink.Batches);
    }

    private static string DropNamed(string name) => $$"""
        relabel_configs:
          - source_labels: [__name__]
            regex: {{name}}
            action: drop
        """;

    private static void AssertOnlyUpZero(ScrapeHarness scrape)
    {
        var series = scrape.LastSeries();
        Assert.Equal(5, series.Count);
        Assert.Equal(0, series[scrape.Name("up")]);
        Assert.Equal(0, series[scrape.Name("scrape_samples_post_metric_relabeling")]);
        Assert.False(scrape.Scraper.LastReport.Up);
        Assert.IsType<ScrapeReport>(scrape.Scraper.LastReport);
    }
}
