namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Content negotiation for scrapes: what to ask for, and which parser a response gets.</summary>
public static class ExpositionFormats
{
    /// <summary>The Accept header of a scrape: OpenMetrics preferred, text 0.0.4 next, anything last.</summary>
    public const string AcceptHeader =
        "application/openmetrics-text;version=1.0.0;q=0.9,application/openmetrics-text;version=0.0.1;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /// <summary>
    /// The format of a body from its Content-Type: <c>application/openmetrics-text</c> is
    /// OpenMetrics, anything else (missing, <c>text/plain</c>, unknown) the text format.
    /// </summary>
    public static ExpositionFormat FromContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return ExpositionFormat.PrometheusText;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        return mediaType.Trim().Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;
    }
}
