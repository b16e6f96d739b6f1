namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>One sample of a scrape body with the metadata of its family. Valid during the visitor call only.</summary>
public readonly ref struct ExpositionSample
{
    internal ExpositionSample(
        string name,
        string familyName,
        MetricType type,
        string? help,
        string? unit,
        SampleRole role,
        double bound,
        ExpositionLabels labels,
        ReadOnlySpan<byte> series,
        double value,
        bool hasTimestamp,
        long timestampMs,
        bool hasExemplar,
        ExpositionExemplar exemplar,
        int line)
    {
        Name = name;
        FamilyName = familyName;
        Type = type;
        Help = help;
        Unit = unit;
        Role = role;
        Bound = bound;
        Labels = labels;
        Series = series;
        Value = value;
        HasTimestamp = hasTimestamp;
        TimestampMs = timestampMs;
        HasExemplar = hasExemplar;
        Exemplar = exemplar;
        Line = line;
    }

    /// <summary>The series' metric name (<c>http_requests_total</c>, <c>x_bucket</c>), interned.</summary>
    public string Name { get; }

    /// <summary>The family's name (<c>x</c> for <c>x_bucket</c>); the sample's name when it has no <c># TYPE</c>.</summary>
    public string FamilyName { get; }

    public MetricType Type { get; }

    /// <summary>The family's HELP, unescaped, or null.</summary>
    public string? Help { get; }

    /// <summary>The family's UNIT (OpenMetrics), or null.</summary>
    public string? Unit { get; }

    public SampleRole Role { get; }

    /// <summary>The <c>le</c> of a <see cref="SampleRole.Bucket"/> or <c>quantile</c> of a <see cref="SampleRole.Quantile"/>; NaN otherwise.</summary>
    public double Bound { get; }

    public ExpositionLabels Labels { get; }

    /// <summary>
    /// The series as written in the body: the line from the metric name through its label set (escapes
    /// as written), without value or timestamp. The same text every scrape for the same series of an
    /// exporter, so a scrape cache can key on it without reading the labels.
    /// </summary>
    public ReadOnlySpan<byte> Series { get; }

    /// <summary>The value, NaN and ±Inf included.</summary>
    public double Value { get; }

    public bool HasTimestamp { get; }

    /// <summary>Unix milliseconds (OpenMetrics seconds converted); meaningful when <see cref="HasTimestamp"/>.</summary>
    public long TimestampMs { get; }

    public bool HasExemplar { get; }

    /// <summary>Meaningful when <see cref="HasExemplar"/>.</summary>
    public ExpositionExemplar Exemplar { get; }

    /// <summary>1-based line of the body.</summary>
    public int Line { get; }
}
