using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// The log-derived metrics of one silo (one instance per silo, shared by every aggregator
/// activation's log_to_metrics filters). Instruments live on the <c>Pipeline</c> meter so
/// <c>/metrics</c> shows them; <see cref="Snapshot"/> lets a metric store read the current series.
/// </summary>
public sealed class LogMetricsRegistry
{
    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, LogMetric> _metrics = new(StringComparer.Ordinal);
    private readonly Lock _create = new();

    public LogMetricsRegistry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(PipelineMetrics.MeterName);
    }

    /// <summary>Names of the metrics created so far.</summary>
    public IReadOnlyCollection<string> MetricNames => [.. _metrics.Keys];

    /// <summary>The current series of a metric (empty when no record fed it yet).</summary>
    public IReadOnlyList<LogMetricSeries> Snapshot(string metricName) =>
        _metrics.TryGetValue(metricName, out var metric) ? metric.Snapshot() : [];

    /// <summary>The metric for a filter, created on first use.</summary>
    /// <exception cref="InvalidOperationException">Another filter defined the same name differently (the configuration reader prevents it).</exception>
    internal LogMetric GetOrCreate(LogToMetricsFilterOptions options)
    {
        if (!_metrics.TryGetValue(options.MetricName, out var metric))
        {
            lock (_create)
            {
                metric = _metrics.GetOrAdd(options.MetricName, _ => new LogMetric(_meter, options));
            }
        }

        if (!ReferenceEquals(metric.Options, options) && !metric.Options.DescribesSameMetric(options))
        {
            throw new InvalidOperationException($"log_to_metrics: metric '{options.MetricName}' is already defined with other mode, labels or buckets.");
        }

        return metric;
    }
}
