using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// The series a scrape writes about itself, with the target's labels only (metric relabeling does
/// not apply to them, as in Prometheus): <c>up</c>, <c>scrape_duration_seconds</c>,
/// <c>scrape_samples_scraped</c>, <c>scrape_samples_post_metric_relabeling</c>,
/// <c>scrape_series_added</c>. Their label arrays are made once per target.
/// </summary>
internal sealed class SyntheticSeries
{
    public const string Up = "up";
    public const string Duration = "scrape_duration_seconds";
    public const string SamplesScraped = "scrape_samples_scraped";
    public const string SamplesPostMetricRelabeling = "scrape_samples_post_metric_relabeling";
    public const string SeriesAdded = "scrape_series_added";

    private readonly RemoteWriteSeries _up;
    private readonly RemoteWriteSeries _duration;
    private readonly RemoteWriteSeries _scraped;
    private readonly RemoteWriteSeries _postRelabeling;
    private readonly RemoteWriteSeries _added;

    public SyntheticSeries(LabelSet targetLabels)
    {
        _up = Labels(targetLabels, Up);
        _duration = Labels(targetLabels, Duration);
        _scraped = Labels(targetLabels, SamplesScraped);
        _postRelabeling = Labels(targetLabels, SamplesPostMetricRelabeling);
        _added = Labels(targetLabels, SeriesAdded);
    }

    public void Append(ScrapeAppender appender, long timestampMs, in ScrapeReport report)
    {
        appender.Add(new RemoteWriteSample(_up, timestampMs, report.Up ? 1 : 0));
        appender.Add(new RemoteWriteSample(_duration, timestampMs, report.Duration.TotalSeconds));
        appender.Add(new RemoteWriteSample(_scraped, timestampMs, report.SamplesScraped));
        appender.Add(new RemoteWriteSample(_postRelabeling, timestampMs, report.SamplesPostMetricRelabeling));
        appender.Add(new RemoteWriteSample(_added, timestampMs, report.SeriesAdded));
    }

    public void AppendStale(ScrapeAppender appender, long timestampMs)
    {
        appender.Add(new RemoteWriteSample(_up, timestampMs, StaleMarker.Value));
        appender.Add(new RemoteWriteSample(_duration, timestampMs, StaleMarker.Value));
        appender.Add(new RemoteWriteSample(_scraped, timestampMs, StaleMarker.Value));
        appender.Add(new RemoteWriteSample(_postRelabeling, timestampMs, StaleMarker.Value));
        appender.Add(new RemoteWriteSample(_added, timestampMs, StaleMarker.Value));
    }

    private static RemoteWriteSeries Labels(LabelSet targetLabels, string name)
    {
        var builder = new LabelSetBuilder(targetLabels);
        builder.Set(RelabelLabels.MetricName, name);
        var labels = new RemoteWriteLabel[builder.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = new RemoteWriteLabel(builder.NameAt(i), builder.ValueAt(i));
        }

        return RemoteWriteSeries.From(labels);
    }
}
