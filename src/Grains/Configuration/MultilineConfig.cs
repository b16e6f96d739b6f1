using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// A <c>multiline</c> entry of <c>logs.filters</c>. Lines are joined by collectors before records
/// are batched, not by aggregators, so these entries are kept apart from <see cref="LogsConfig.Filters"/>.
/// </summary>
public sealed class MultilineConfig
{
    /// <summary>Which files the rules apply to (<c>match</c>, <c>namespaces</c>, <c>labels</c>).</summary>
    public FilterSelector Selector { get; init; } = FilterSelector.All;

    public required MultilineOptions Options { get; init; }
}
