using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Targets;
using Xunit;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>The request a scrape sends and the bodies it understands: headers, credentials, gzip, OpenMetrics.</summary>
public sealed class TargetScraperTransportTests : IAsyncLifetime
{
    private ScrapeTargetStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await ScrapeTargetStandIn.StartAsync();

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task A_scrape_sends_Prometheus_headers()
    {
        _standIn.Body = "a 1\n";
        using var scrape = new ScrapeHarness(_standIn, timeout: TimeSpan.FromMilliseconds(7500));

        await scrape.ScrapeAsync();

        var request = Assert.Single(_standIn.Requests);
        Assert.Equal(ExpositionFormats.AcceptHeader, request["accept"]);
        Assert.Equal("gzip", request["accept-encoding"]);
        Assert.Equal(TargetScraperConstants.UserAgent, request["user-agent"]);
        Assert.StartsWith("Pipeline/", request["user-agent"], StringComparison.Ordinal);
        Assert.Equal("7.5", request["x-prometheus-scrape-timeout-seconds"]);
        Assert.False(request.ContainsKey("authorization"));
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed_as_it_streams()
    {
        _standIn.Body = string.Concat(Enumerable.Range(0, 500).Select(i => $"metric_{i}{{shard=\"{i % 7}\"}} {i}\n"));
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.Null(report.Error);
        Assert.Equal(500, report.SamplesScraped);
        Assert.Equal(499, scrape.LastSeries()[$"metric_499{{{scrape.TargetLabels}, shard=\"2\"}}"]);
    }

    [Fact]
    public async Task Without_enable_compression_the_scrape_asks_for_identity()
    {
        _standIn.Body = "a 1\n";
        using var scrape = new ScrapeHarness(_standIn, enableCompression: false);

        var report = await scrape.ScrapeAsync();

        Assert.Null(report.Error);
        Assert.Equal("identity", _standIn.Requests[0]["accept-encoding"]);
        Assert.Equal(1, scrape.LastSeries()[scrape.Name("a")]);
    }

    [Fact]
    public async Task An_OpenMetrics_answer_is_parsed_as_OpenMetrics()
    {
        _standIn.ContentType = ScrapeTargetStandIn.OpenMetricsContentType;
        _standIn.Body = """
            # TYPE requests counter
            requests_total{code="200"} 7 1700000000.5
            # EOF

            """;
        using var scrape = new ScrapeHarness(_standIn);

        var report = await scrape.ScrapeAsync();

        Assert.Null(report.Error);
        var sample = scrape.Sink.Last[0];
        Assert.Equal(scrape.Name("requests_total", "code=\"200\""), RecordingScrapeSink.Name(sample.Series));
        Assert.Equal(1700000000500L, sample.TimestampMs); // seconds in OpenMetrics

        // The same body without "# EOF" is a truncated OpenMetrics body.
        _standIn.Body = "requests_total{code=\"200\"} 7\n";
        var truncated = await scrape.ScrapeAsync();
        Assert.Contains("# EOF", truncated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_jobs_bearer_token_is_sent()
    {
        _standIn.Body = "a 1\n";
        using var scrape = new ScrapeHarness(_standIn, http: new HttpClientConfig { AuthorizationCredentials = "s3cret" });

        await scrape.ScrapeAsync();

        Assert.Equal("Bearer s3cret", _standIn.Requests[0]["authorization"]);
    }

    [Fact]
    public async Task Basic_auth_reads_its_password_file_on_every_scrape()
    {
        _standIn.Body = "a 1\n";
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "first\n");
            using var scrape = new ScrapeHarness(_standIn, http: new HttpClientConfig { BasicAuthUsername = "prom", BasicAuthPasswordFile = file });

            await scrape.ScrapeAsync();
            await File.WriteAllTextAsync(file, "rotated");
            await scrape.ScrapeAsync();

            Assert.Equal(
                [$"Basic {Convert.ToBase64String("prom:first"u8)}", $"Basic {Convert.ToBase64String("prom:rotated"u8)}"],
                _standIn.Requests.Select(r => r["authorization"]));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unreadable_password_file_fails_the_scrape_with_the_reason()
    {
        _standIn.Body = "a 1\n";
        using var scrape = new ScrapeHarness(_standIn, http: new HttpClientConfig { BasicAuthUsername = "prom", BasicAuthPasswordFile = "/nonexistent/password" });

        var report = await scrape.ScrapeAsync();

        Assert.Contains("/nonexistent/password", report.Error, StringComparison.Ordinal);
        Assert.Empty(_standIn.Requests);
    }
}
