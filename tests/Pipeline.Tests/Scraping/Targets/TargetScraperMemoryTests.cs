using System.Globalization;
using System.Text;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Scraping.Targets;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>Runs alone (no test allocates beside it), so the heap measures what the scraper keeps.</summary>
[CollectionDefinition(nameof(HeapMeasurementCollection), DisableParallelization = true)]
public sealed class HeapMeasurementCollection;

/// <summary>What a target's series cache keeps per active series, measured on the heap.</summary>
[Collection(nameof(HeapMeasurementCollection))]
public sealed class TargetScraperMemoryTests(ITestOutputHelper output)
{
    private const int SeriesCount = 20_000;

    private static readonly string[] Families =
    [
        "http_request_duration_seconds_bucket", "http_requests_total", "http_request_size_bytes_bucket",
        "http_response_size_bytes_bucket", "rpc_client_handled_total",
    ];

    private static readonly string[] Buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    [Fact]
    public async Task A_cached_series_of_nine_labels_keeps_under_600_bytes()
    {
        var big = await RetainedBytesAsync(Body(SeriesCount), SeriesCount);
        var small = await RetainedBytesAsync(Body(1), 1);
        var perSeries = (double)(big - small) / (SeriesCount - 1);
        output.WriteLine($"per target (1 series): {small} B; per cached series: {perSeries:F0} B ({SeriesCount} series of 8 labels)");

        Assert.InRange(perSeries, 1, 600);
    }

    // What one scraper keeps after two scrapes of the body; the body and the handler exist before the measurement.
    private static async Task<long> RetainedBytesAsync(byte[] body, int series)
    {
        using var http = new HttpMessageInvoker(new FixedAnswerHandler(body));
        var sink = new CountingSink();
        var defaults = new ScrapeJobDefaults { JobName = "app" };
        var job = new ScrapeJobConfig { Target = defaults };
        var target = new TargetBuilder(defaults).Build(LabelSet.Of("__address__", "10.42.0.17:8080"), LabelSet.Of("namespace", "shop", "pod", "web-7c9d8f6b5-x7k2p")).Target!;
        var before = Heap();
        var scraper = new TargetScraper(job, target, http, sink, TimeProvider.System);
        for (var i = 0; i < 2; i++)
        {
            var report = await scraper.ScrapeAsync(CancellationToken.None);
            Assert.Null(report.Error);
            Assert.Equal(series, report.SamplesPostMetricRelabeling);
        }

        var after = Heap();
        GC.KeepAlive(scraper);
        return after - before;
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // Series with four labels of their own (shared values, as real series have) beside the target's four.
    private static byte[] Body(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(Families[i % 5])
                .Append("{handler=\"/api/v1/resource_").Append((i / 5 % 100).ToString(CultureInfo.InvariantCulture))
                .Append("\",le=\"").Append(Buckets[i / 500 % 10])
                .Append("\",method=\"").Append(Methods[i / 5000 % 4])
                .Append("\",code=\"200\"} ").Append(i.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed class FixedAnswerHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
    }

    private sealed class CountingSink : IScrapeSampleSink
    {
        public long Samples { get; private set; }

        public void Append(ReadOnlySpan<Pipeline.Grains.RemoteWrite.RemoteWriteSample> samples) => Samples += samples.Length;
    }
}
