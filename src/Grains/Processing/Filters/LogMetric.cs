using System.Diagnostics.Metrics;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// One log-derived metric on a silo: its instrument on the <c>Pipeline</c> meter and its series,
/// shared by every filter (and every aggregator activation) that feeds it. Counters and histograms
/// are recorded into synchronous instruments; a gauge is an observable gauge reading the series
/// kept here, so exporters see the last value rather than a sum.
/// </summary>
internal sealed class LogMetric
{
    private readonly Dictionary<string[], Series> _series = new(LabelValuesComparer.Instance);
    private readonly Counter<long>? _counter;
    private readonly Histogram<double>? _histogram;

    public LogMetric(Meter meter, LogToMetricsFilterOptions options)
    {
        Options = options;
        LabelNames = [.. options.Labels.Select(l => l.Name)];
        var description = options.Description.Length > 0 ? options.Description : null;
        switch (options.Mode)
        {
            case LogMetricMode.Counter:
                _counter = meter.CreateCounter<long>(options.MetricName, unit: null, description);
                break;
            case LogMetricMode.Histogram:
                _histogram = meter.CreateHistogram(options.MetricName, unit: null, description, tags: null,
                    advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = options.Buckets });
                break;
            default:
                meter.CreateObservableGauge(options.MetricName, ObserveGauge, unit: null, description);
                break;
        }
    }

    /// <summary>The options the metric was created with; later filters must describe the same metric.</summary>
    public LogToMetricsFilterOptions Options { get; }

    public string[] LabelNames { get; }

    /// <summary>
    /// Records one record's value. <paramref name="labelValues"/> and <paramref name="tags"/> are the
    /// caller's reused buffers (copied only when a new series starts).
    /// </summary>
    /// <returns>False when the series would exceed <see cref="LogToMetricsFilterOptions.MaxSeries"/>; nothing is recorded.</returns>
    public bool Record(string[] labelValues, double value, KeyValuePair<string, object?>[] tags)
    {
        lock (_series)
        {
            if (!_series.TryGetValue(labelValues, out var series))
            {
                if (_series.Count >= Options.MaxSeries)
                {
                    return false;
                }

                series = new Series();
                _series[(string[])labelValues.Clone()] = series;
            }

            series.Count++;
            series.Value = Options.Mode switch
            {
                LogMetricMode.Counter => series.Count,
                LogMetricMode.Gauge => value,
                _ => series.Value + value,
            };
        }

        _counter?.Add(1, tags);
        _histogram?.Record(value, tags);
        return true;
    }

    public List<LogMetricSeries> Snapshot()
    {
        lock (_series)
        {
            var result = new List<LogMetricSeries>(_series.Count);
            foreach (var (values, series) in _series)
            {
                var labels = new KeyValuePair<string, string>[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    labels[i] = new(LabelNames[i], values[i]);
                }

                result.Add(new LogMetricSeries(labels, series.Value, series.Count));
            }

            return result;
        }
    }

    private IEnumerable<Measurement<double>> ObserveGauge()
    {
        foreach (var series in Snapshot())
        {
            var tags = new KeyValuePair<string, object?>[series.Labels.Count];
            for (var i = 0; i < tags.Length; i++)
            {
                tags[i] = new(series.Labels[i].Key, series.Labels[i].Value);
            }

            yield return new Measurement<double>(series.Value, tags);
        }
    }

    private sealed class Series
    {
        public long Count { get; set; }
        public double Value { get; set; }
    }

    private sealed class LabelValuesComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelValuesComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] values)
        {
            var hash = new HashCode();
            foreach (var value in values)
            {
                hash.Add(value, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
