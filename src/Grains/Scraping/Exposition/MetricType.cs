namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>The type a <c># TYPE</c> line gives a metric family.</summary>
public enum MetricType
{
    /// <summary>No <c># TYPE</c> line, or <c>untyped</c> (text) / <c>unknown</c> (OpenMetrics).</summary>
    Unknown,
    Counter,
    Gauge,
    Histogram,
    Summary,

    /// <summary>OpenMetrics only.</summary>
    GaugeHistogram,

    /// <summary>OpenMetrics only.</summary>
    StateSet,

    /// <summary>OpenMetrics only.</summary>
    Info,
}
