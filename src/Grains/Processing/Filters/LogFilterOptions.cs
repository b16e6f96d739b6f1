namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// One configured entry of <c>logs.filters</c>, validated and with its regular expressions
/// compiled. Options are immutable and shared by every aggregator activation; each activation
/// builds its own filter instances from them (<see cref="FilterChainFactory"/>).
/// </summary>
public abstract class LogFilterOptions
{
    /// <summary>The filter type as configured (<c>grep</c>, <c>modify</c>, …).</summary>
    public abstract string Type { get; }

    /// <summary>Which records the filter sees (<c>match</c>, <c>namespaces</c>, <c>labels</c>).</summary>
    public FilterSelector Selector { get; init; } = FilterSelector.All;
}
