namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// One series of a log-derived metric as <see cref="LogMetricsRegistry.Snapshot"/> reads it:
/// its labels in the metric's label order and its value: the count (counter), the last value
/// (gauge) or the sum of observations (histogram); <see cref="Count"/> is how many records it took.
/// </summary>
public sealed record LogMetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, long Count);
