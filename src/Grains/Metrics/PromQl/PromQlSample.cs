using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>One element of an instant vector: a series' labels and its value at the evaluation time.</summary>
public readonly record struct PromQlSample(LabelSet Labels, double Value);
