using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics;

/// <summary>
/// What the PromQL engine reads: the series a store holds, selected by label matchers and a time
/// range. The embedded metric store implements it for one silo; the query fan-out implements it
/// for the cluster by asking every silo and merging.
/// </summary>
/// <remarks>
/// Times are milliseconds since the Unix epoch, both bounds inclusive. Staleness markers (the
/// NaN with bits <c>0x7ff0000000000002</c>) are returned as stored; the engine applies
/// Prometheus's staleness rules.
/// </remarks>
public interface ISeriesSource
{
    /// <summary>
    /// The series matching every matcher (at least one matcher must not match the empty string)
    /// that have a sample in [<paramref name="minMs"/>, <paramref name="maxMs"/>], each with its
    /// samples in that range in time order. Series are returned sorted by labels.
    /// </summary>
    ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation);

    /// <summary>The label names of the series with a sample in range (of those matching, when matchers are given), sorted.</summary>
    ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation);

    /// <summary>The values of one label over the series with a sample in range (of those matching, when matchers are given), sorted.</summary>
    ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation);
}

/// <summary>One series and its samples in a queried range: parallel arrays of equal length, times ascending.</summary>
public sealed record SeriesSamples(LabelSet Labels, long[] TimestampsMs, double[] Values)
{
    public int Count => TimestampsMs.Length;
}
