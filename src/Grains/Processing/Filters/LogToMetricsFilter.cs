using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Records matching records into a log-derived metric (see <see cref="LogToMetricsFilterOptions"/>).
/// A missing label field gives an empty label value. A gauge or histogram record without a number
/// in <c>value_field</c> is not recorded and counts as a problem (<c>value_not_a_number</c>), as does
/// a record that would start a series beyond the metric's limit (<c>too_many_series</c>).
/// </summary>
public sealed class LogToMetricsFilter : ILogFilter
{
    private readonly LogToMetricsFilterOptions _options;
    private readonly LogMetric _metric;
    private readonly PipelineMetrics? _metrics;
    private readonly FieldMatcher _matcher;
    private readonly string[] _labelValues;
    private readonly KeyValuePair<string, object?>[] _tags;

    public LogToMetricsFilter(LogToMetricsFilterOptions options, LogMetricsRegistry registry, PipelineMetrics? metrics)
    {
        _options = options;
        _metrics = metrics;
        _metric = registry.GetOrCreate(options);
        _matcher = new FieldMatcher(LogToMetricsFilterOptions.TypeName, metrics);
        Selector = options.Selector;
        _labelValues = new string[options.Labels.Count];
        _tags = new KeyValuePair<string, object?>[options.Labels.Count];
    }

    public string Type => LogToMetricsFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    public FilterVerdict Apply(LogEvent record)
    {
        var verdict = _options.DiscardLogs ? FilterVerdict.Drop : FilterVerdict.Keep;
        if (!_options.Rules.Passes(record, _matcher))
        {
            return verdict;
        }

        var value = 1d;
        if (_options.Mode != LogMetricMode.Counter && !record.TryGetNumber(_options.ValueField!, out value))
        {
            Problem("value_not_a_number");
            return verdict;
        }

        var labels = _options.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            _labelValues[i] = record.GetString(labels[i].Field) ?? "";
            _tags[i] = new(labels[i].Name, _labelValues[i]);
        }

        if (!_metric.Record(_labelValues, value, _tags))
        {
            Problem("too_many_series");
        }

        return verdict;
    }

    private void Problem(string reason) =>
        _metrics?.FilterProblems.Add(1, new("filter", LogToMetricsFilterOptions.TypeName), new("reason", reason));
}
