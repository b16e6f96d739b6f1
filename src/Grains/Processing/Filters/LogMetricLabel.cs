namespace Pipeline.Grains.Processing.Filters;

/// <summary>A label of a log-derived metric: its Prometheus name and the field its value comes from.</summary>
public sealed record LogMetricLabel(string Name, FieldPath Field);
