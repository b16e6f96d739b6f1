using Pipeline.Grains.Http;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Scraping.Targets;
using Pipeline.Tests.Scraping.Relabeling;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>A scraper of a <see cref="ScrapeTargetStandIn"/>, with a recording sink and a manual clock.</summary>
internal sealed class ScrapeHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly HttpMessageInvoker _http;

    public ScrapeHarness(
        ScrapeTargetStandIn standIn,
        bool honorLabels = false,
        bool honorTimestamps = true,
        bool trackTimestampsStaleness = false,
        bool enableCompression = true,
        string? metricRelabel = null,
        ExpositionLimits? limits = null,
        HttpClientConfig? http = null,
        TimeSpan? timeout = null,
        string? address = null)
    {
        Job = new ScrapeJobConfig
        {
            Target = new ScrapeJobDefaults
            {
                JobName = "app",
                ScrapeInterval = TimeSpan.FromSeconds(15),
                ScrapeTimeout = timeout ?? TimeSpan.FromSeconds(10),
            },
            HonorLabels = honorLabels,
            HonorTimestamps = honorTimestamps,
            TrackTimestampsStaleness = trackTimestampsStaleness,
            EnableCompression = enableCompression,
            Limits = limits ?? new ExpositionLimits(),
            MetricRelabelRules = metricRelabel is null ? [] : RelabelYaml.Rules(metricRelabel),
            Http = http ?? HttpClientConfig.None,
        };
        var built = new TargetBuilder(Job.Target).Build(LabelSet.Of("__address__", address ?? standIn.Address), LabelSet.Of("env", "prod"));
        Target = built.Target ?? throw new InvalidOperationException(built.ToString());
        _http = new HttpMessageInvoker(HttpClientHandlers.Create(Job.Http));
        Scraper = new TargetScraper(Job, Target, _http, Sink, Time);
    }

    public ScrapeJobConfig Job { get; }

    public ScrapeTarget Target { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public RecordingScrapeSink Sink { get; } = new();

    public TargetScraper Scraper { get; }

    /// <summary><c>{env="prod", instance="127.0.0.1:port", job="app"}</c> as written inside a series name.</summary>
    public string TargetLabels => $"env=\"prod\", instance=\"{Target.Labels.Get("instance")}\", job=\"app\"";

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<ScrapeReport> ScrapeAsync() => Scraper.ScrapeAsync(CancellationToken.None);

    /// <summary>The series and values of the last batch handed on.</summary>
    public Dictionary<string, double> LastSeries() => RecordingScrapeSink.Series(Sink.Last);

    /// <summary>A series name with the target's labels after <paramref name="labels"/> (which must sort before <c>env</c>) or alone.</summary>
    public string Name(string metric, string? labels = null) => labels is null ? $"{metric}{{{TargetLabels}}}" : $"{metric}{{{labels}, {TargetLabels}}}";

    public void Dispose()
    {
        Scraper.Dispose();
        _http.Dispose();
    }
}
