namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>The text formats a scrape body can be in.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>), also the fallback.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 (<c>application/openmetrics-text; version=1.0.0</c>).</summary>
    OpenMetrics,
}
