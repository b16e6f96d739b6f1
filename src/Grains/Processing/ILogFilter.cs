namespace Pipeline.Grains.Processing;

/// <summary>What a filter decided about one record.</summary>
public enum FilterVerdict
{
    Keep,

    /// <summary>The record is acknowledged but not stored; the chain counts it under the filter's type and the record's tenant.</summary>
    Drop,
}

/// <summary>
/// One entry of <c>logs.filters</c>. A filter sees only the records its <see cref="Selector"/>
/// matches, one at a time, in batch order, and may change them in place or drop them. Filters run
/// on an aggregator activation's thread; a filter that keeps state (throttle) keeps it per instance,
/// and each aggregator activation has its own instances.
/// </summary>
public interface ILogFilter
{
    /// <summary>The filter type as configured (<c>grep</c>, <c>modify</c>, <c>throttle</c>…), used in metrics.</summary>
    string Type { get; }

    FilterSelector Selector { get; }

    FilterVerdict Apply(LogEvent record);
}
