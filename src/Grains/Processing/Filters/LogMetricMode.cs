namespace Pipeline.Grains.Processing.Filters;

/// <summary>What a log_to_metrics filter records (fluent-bit <c>metric_mode</c>).</summary>
public enum LogMetricMode
{
    /// <summary>Counts matching records.</summary>
    Counter,

    /// <summary>The last value of <c>value_field</c> seen, per label set.</summary>
    Gauge,

    /// <summary>The distribution of <c>value_field</c> over <c>bucket</c> bounds.</summary>
    Histogram,
}
