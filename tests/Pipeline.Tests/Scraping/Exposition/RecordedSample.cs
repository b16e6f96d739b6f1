using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Tests.Scraping.Exposition;

/// <summary>A copy of an <see cref="ExpositionSample"/>, kept after the visitor call.</summary>
internal sealed record RecordedSample(
    string Name,
    string FamilyName,
    MetricType Type,
    string? Help,
    string? Unit,
    SampleRole Role,
    double Bound,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    long? TimestampMs,
    RecordedExemplar? Exemplar,
    int Line)
{
    /// <summary>The series as written (<see cref="ExpositionSample.Series"/>).</summary>
    public string SeriesText { get; init; } = "";

    public string Label(string name) => Labels.Single(l => l.Key == name).Value;

    public string LabelText => string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}"));
}

internal sealed record RecordedExemplar(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, long? TimestampMs);
