using Pipeline.Grains.Metrics;
using Pipeline.Grains.RemoteWrite;
using Store = Pipeline.Grains.Metrics.Store;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.MetricStore;

/// <summary>A store on a manual clock, and helpers to build series and read them back.</summary>
internal sealed class StoreHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public StoreHarness(Store.MetricStoreOptions? options = null)
    {
        Clock = new FakeTimeProvider(Start);
        Store = new Store.MetricStore(options ?? new Store.MetricStoreOptions(), Clock);
    }

    public FakeTimeProvider Clock { get; }

    public Store.MetricStore Store { get; }

    public static long StartMs => Start.ToUnixTimeMilliseconds();

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Labels from name, value pairs, sorted by name as producers hand them.</summary>
    public static RemoteWriteLabel[] Labels(params string[] namesAndValues)
    {
        var labels = new RemoteWriteLabel[namesAndValues.Length / 2];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = new RemoteWriteLabel(namesAndValues[2 * i], namesAndValues[(2 * i) + 1]);
        }

        return [.. labels.OrderBy(l => l.Name, StringComparer.Ordinal)];
    }

    public void Append(RemoteWriteLabel[] labels, long timestampMs, double value) => Store.Append([new RemoteWriteSample(labels, timestampMs, value)]);

    public IReadOnlyList<SeriesSamples> Select(long minMs, long maxMs, params LabelMatcher[] matchers) =>
        Store.SelectAsync(matchers, minMs, maxMs, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<SeriesSamples> SelectAll(params LabelMatcher[] matchers) => Select(long.MinValue, long.MaxValue, matchers);

    public static LabelMatcher Eq(string name, string value) => new(Pipeline.Grains.Metrics.MatchType.Equal, name, value);

    public static LabelMatcher Ne(string name, string value) => new(Pipeline.Grains.Metrics.MatchType.NotEqual, name, value);

    public static LabelMatcher Re(string name, string value) => new(Pipeline.Grains.Metrics.MatchType.Regex, name, value);

    public static LabelMatcher Nre(string name, string value) => new(Pipeline.Grains.Metrics.MatchType.NotRegex, name, value);

    public IReadOnlyList<string> LabelNames(LabelMatcher[]? matchers, long minMs = long.MinValue, long maxMs = long.MaxValue) =>
        Store.LabelNamesAsync(matchers, minMs, maxMs, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<string> LabelValues(string name, LabelMatcher[]? matchers, long minMs = long.MinValue, long maxMs = long.MaxValue) =>
        Store.LabelValuesAsync(name, matchers, minMs, maxMs, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public void Dispose() => Store.Dispose();
}
