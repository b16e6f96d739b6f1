using System.Text;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics.Store;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Silo.Http;

namespace Pipeline.Silo;

/// <summary>
/// Puts the silo's own metrics into its metric store, as a Prometheus scrapes itself: every
/// <see cref="Interval"/> the <c>/metrics</c> text (the <c>Pipeline</c> meter: every stage's counters
/// and the <c>log_to_metrics</c> filters' instruments) is parsed and appended with
/// <c>job="pipeline"</c> and <c>instance=&lt;node name&gt;</c>, so PromQL answers on them too. A series
/// is encoded once and found again by its text; the parse is the scrapers' own.
/// </summary>
public sealed partial class PipelineMetricsSelfScrape(PrometheusMetricsExporter exporter, MetricStore store, PipelineConfig config, TimeProvider time, ILogger<PipelineMetricsSelfScrape> logger)
    : BackgroundService, IExpositionVisitor
{
    /// <summary>How often the silo reads its own metrics into its store: Prometheus's usual self-scrape interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>The <c>job</c> label of the silo's own series.</summary>
    public const string Job = "pipeline";

    private readonly Dictionary<string, RemoteWriteSeries> _series = new(StringComparer.Ordinal);
    private readonly ExpositionParser _parser = new();
    private readonly List<RemoteWriteSample> _batch = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private long _timestampMs;

    /// <summary>Series currently encoded (those of the last read).</summary>
    public int SeriesCount => _series.Count;

    /// <summary>Reads the metrics once and appends them at the current time; returns how many samples went in.</summary>
    public int CollectOnce()
    {
        _timestampMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        _batch.Clear();
        _seen.Clear();
        var result = _parser.Parse(Encoding.UTF8.GetBytes(exporter.Render()), ExpositionFormat.PrometheusText, this);
        if (!result.Succeeded)
        {
            LogSelfScrapeFailed(logger, result.Error!.ToString());
        }

        // Series no longer exported (an instrument's label set gone) are forgotten.
        if (_series.Count > _seen.Count)
        {
            foreach (var text in _series.Keys.Where(k => !_seen.Contains(k)).ToList())
            {
                _series.Remove(text);
            }
        }

        store.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_batch));
        return _batch.Count;
    }

    void IExpositionVisitor.OnSample(in ExpositionSample sample)
    {
        var text = Encoding.UTF8.GetString(sample.Series);
        if (!_series.TryGetValue(text, out var series))
        {
            var labels = new List<RemoteWriteLabel> { new("__name__", sample.Name), new("job", Job), new("instance", config.NodeName) };
            for (var i = 0; i < sample.Labels.Count; i++)
            {
                // As a scrape without honor_labels: a metric's own job or instance label (pipeline_scrapes_total
                // has the scrape job's) is kept as exported_job / exported_instance.
                var name = sample.Labels.GetName(i);
                labels.Add(new RemoteWriteLabel(name is "job" or "instance" ? "exported_" + name : name, sample.Labels.GetValue(i)));
            }

            labels.RemoveAll(l => l.Value.Length == 0);
            labels.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            series = RemoteWriteSeries.From([.. labels]);
            _series[text] = series;
        }

        Take(text, series, sample.Value);
    }

    bool IExpositionVisitor.TryOnKnownSeries(ReadOnlySpan<byte> series, double value, bool hasTimestamp, long timestampMs, int line)
    {
        Span<char> chars = series.Length <= 512 ? stackalloc char[series.Length] : new char[series.Length];
        var length = Encoding.UTF8.GetChars(series, chars);
        if (!_series.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out var text, out var known))
        {
            return false;
        }

        Take(text, known, value);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                CollectOnce();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSelfScrapeFailed(logger, e.Message);
            }
        }
    }

    private void Take(string text, RemoteWriteSeries series, double value)
    {
        if (_seen.Add(text))
        {
            _batch.Add(new RemoteWriteSample(series, _timestampMs, value));
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Reading the silo's own metrics into its store failed: {Reason}")]
    private static partial void LogSelfScrapeFailed(ILogger logger, string reason);
}
