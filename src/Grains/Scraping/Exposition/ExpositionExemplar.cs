namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>An OpenMetrics exemplar (<c># {trace_id="…"} 0.5 1700000000.1</c>) of a counter or bucket sample.</summary>
public readonly ref struct ExpositionExemplar
{
    internal ExpositionExemplar(ExpositionLabels labels, double value, bool hasTimestamp, long timestampMs)
    {
        Labels = labels;
        Value = value;
        HasTimestamp = hasTimestamp;
        TimestampMs = timestampMs;
    }

    public ExpositionLabels Labels { get; }

    public double Value { get; }

    public bool HasTimestamp { get; }

    /// <summary>Unix milliseconds; meaningful when <see cref="HasTimestamp"/>.</summary>
    public long TimestampMs { get; }
}
