namespace Pipeline.Contracts.Metrics;

/// <summary>
/// Reads the embedded metric store of one silo for a query. Keyed by silo address
/// (<c>SiloAddress.ToParsableString()</c>) and placed on that silo: a PromQL query fans out to one
/// per silo, each selects from the samples its own grains produced, and the receiving silo merges
/// and evaluates.
/// </summary>
[Alias("pipeline.IMetricQueryGrain")]
public interface IMetricQueryGrain : IGrainWithStringKey
{
    /// <summary>The series matching every matcher with samples in the range, and those samples.</summary>
    [Alias("Select")]
    Task<MetricSeriesSet> Select(MetricSelection selection);

    /// <summary>The label names of the selected series (of all series in range when there is no matcher).</summary>
    [Alias("LabelNames")]
    Task<string[]> LabelNames(MetricSelection selection);

    /// <summary>The values of one label over the selected series (all series in range when there is no matcher).</summary>
    [Alias("LabelValues")]
    Task<string[]> LabelValues(string name, MetricSelection selection);

    /// <summary>The descriptions (type, help, unit) of the metric families this silo's producers saw, or of one.</summary>
    [Alias("Metadata")]
    Task<MetricMetadataEntry[]> Metadata(string? metric);
}

/// <summary>One description of a metric family.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.MetricMetadataEntry")]
public sealed record MetricMetadataEntry
{
    [Id(0)] public required string Metric { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public required string Help { get; init; }
    [Id(3)] public required string Unit { get; init; }
}

/// <summary>How a <see cref="MetricMatcher"/> compares: PromQL's <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>.</summary>
public enum MetricMatchType
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>One label matcher of a selection.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.MetricMatcher")]
public sealed record MetricMatcher
{
    [Id(0)] public required MetricMatchType Type { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Value { get; init; }
}

/// <summary>Matchers (all must hold) and a time range in Unix milliseconds, both ends included.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.MetricSelection")]
public sealed record MetricSelection
{
    [Id(0)] public required MetricMatcher[] Matchers { get; init; }
    [Id(1)] public required long MinMs { get; init; }
    [Id(2)] public required long MaxMs { get; init; }
}

/// <summary>One series and its samples: labels as name, value, name, value… sorted by name; times ascending.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.MetricSeriesData")]
public sealed record MetricSeriesData
{
    [Id(0)] public required string[] Labels { get; init; }
    [Id(1)] public required long[] TimestampsMs { get; init; }
    [Id(2)] public required double[] Values { get; init; }
}

/// <summary>What one silo's store answered a selection with.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.MetricSeriesSet")]
public sealed record MetricSeriesSet
{
    [Id(0)] public required MetricSeriesData[] Series { get; init; }
}
