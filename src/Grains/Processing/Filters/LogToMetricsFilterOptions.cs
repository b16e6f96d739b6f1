namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>log_to_metrics</c> filter (fluent-bit): counts matching records, or records the number in
/// <see cref="ValueField"/> as a gauge or histogram, labelled by record fields, into an instrument
/// on the <c>Pipeline</c> meter (so it appears at <c>/metrics</c>). Records pass unchanged, unless
/// <see cref="DiscardLogs"/>.
/// </summary>
public sealed class LogToMetricsFilterOptions : LogFilterOptions
{
    public const string TypeName = "log_to_metrics";
    public const string DefaultNamespace = "log_metric";

    /// <summary>Series a metric keeps at most; records that would add more are counted as problems (<c>too_many_series</c>).</summary>
    public const int DefaultMaxSeries = 10_000;

    /// <summary>Prometheus' default buckets, used when <c>bucket</c> is not given.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public override string Type => TypeName;

    /// <summary>The full name, as fluent-bit builds it: <c>metric_namespace</c>_<c>metric_subsystem</c>_<c>metric_name</c> (<c>log_metric_counter_errors</c>).</summary>
    public required string MetricName { get; init; }

    public LogMetricMode Mode { get; init; } = LogMetricMode.Counter;

    public string Description { get; init; } = "";

    /// <summary>Labels in order: the Kubernetes ones (<c>kubernetes_mode</c>), <c>add_label</c>, then <c>label_field</c>.</summary>
    public IReadOnlyList<LogMetricLabel> Labels { get; init; } = [];

    /// <summary>Gauge and histogram: the field holding the number (a JSON number or numeric text).</summary>
    public FieldPath? ValueField { get; init; }

    /// <summary>Histogram bucket upper bounds, ascending.</summary>
    public IReadOnlyList<double> Buckets { get; init; } = DefaultBuckets;

    /// <summary>Which records count (fluent-bit's <c>regex</c>/<c>exclude</c>, as in grep).</summary>
    public GrepRuleSet Rules { get; init; } = GrepRuleSet.Empty;

    /// <summary>Drop every record once it is counted (fluent-bit <c>discard_logs</c>).</summary>
    public bool DiscardLogs { get; init; }

    public int MaxSeries { get; init; } = DefaultMaxSeries;

    /// <summary>Whether two filters may feed the same metric: same name, mode, labels and buckets.</summary>
    public bool DescribesSameMetric(LogToMetricsFilterOptions other) =>
        MetricName == other.MetricName && Mode == other.Mode
        && Labels.Select(l => l.Name).SequenceEqual(other.Labels.Select(l => l.Name), StringComparer.Ordinal)
        && (Mode != LogMetricMode.Histogram || Buckets.SequenceEqual(other.Buckets));
}
