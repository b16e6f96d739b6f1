using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Pipeline.Grains.Telemetry;

/// <summary>The scrape path's instruments on this silo (meter <see cref="PipelineMetrics.MeterName"/>), by job.</summary>
public sealed class ScrapeMetrics
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _targets = new(StringComparer.Ordinal);
    private readonly Counter<long> _scrapes;
    private readonly Counter<long> _samples;
    private readonly Histogram<double> _duration;

    public ScrapeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(PipelineMetrics.MeterName);
        _scrapes = meter.CreateCounter<long>("pipeline_scrapes", description: "Scrapes done by target grains on this silo, by job and result (up, down).");
        _samples = meter.CreateCounter<long>("pipeline_scrape_samples", description: "Samples of successful scrapes handed on (after metric relabeling), by job.");
        _duration = meter.CreateHistogram<double>("pipeline_scrape_duration_seconds", "s", "Time from a scrape's request to the end of its parsing, by job.");
        meter.CreateObservableGauge("pipeline_scrape_targets", ObserveTargets, description: "Targets whose grain scrapes on this silo, by job.");
    }

    public void TargetStarted(string job) => Interlocked.Increment(ref _targets.GetOrAdd(job, _ => new StrongBox<long>()).Value);

    public void TargetStopped(string job) => Interlocked.Decrement(ref _targets.GetOrAdd(job, _ => new StrongBox<long>()).Value);

    public void Scraped(string job, bool up, int samples, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("job", job);
        _scrapes.Add(1, tag, new KeyValuePair<string, object?>("result", up ? "up" : "down"));
        if (up)
        {
            _samples.Add(samples, tag);
        }

        _duration.Record(duration.TotalSeconds, tag);
    }

    private IEnumerable<Measurement<long>> ObserveTargets()
    {
        foreach (var (job, count) in _targets)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), new KeyValuePair<string, object?>("job", job));
        }
    }
}
