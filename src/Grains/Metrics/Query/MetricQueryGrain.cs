using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Placement;

namespace Pipeline.Grains.Metrics.Query;

/// <summary>Answers selections from this silo's metric store; one per silo, placed on it.</summary>
[SiloPlacement]
public sealed class MetricQueryGrain(IServiceProvider services) : Grain, IMetricQueryGrain
{
    /// <summary>The key under which a silo registers its own store as an <see cref="ISeriesSource"/>.</summary>
    public const string LocalStoreKey = "local";

    private static readonly MetricSeriesSet Empty = new() { Series = [] };

    private ISeriesSource? Store => services.GetKeyedService<ISeriesSource>(LocalStoreKey);

    public async Task<MetricSeriesSet> Select(MetricSelection selection)
    {
        if (Store is not { } store)
        {
            return Empty;
        }

        var series = await store.SelectAsync(MetricSelections.Matchers(selection), selection.MinMs, selection.MaxMs, CancellationToken.None);
        return new MetricSeriesSet { Series = [.. series.Select(MetricSelections.ToData)] };
    }

    public async Task<string[]> LabelNames(MetricSelection selection) =>
        Store is { } store
            ? [.. await store.LabelNamesAsync(MetricSelections.MatchersOrNull(selection), selection.MinMs, selection.MaxMs, CancellationToken.None)]
            : [];

    public Task<MetricMetadataEntry[]> Metadata(string? metric) =>
        Task.FromResult<MetricMetadataEntry[]>(services.GetService<MetricMetadataRegistry>() is { } registry
            ? [.. registry.Snapshot(metric).SelectMany(f => f.Value.Select(m => new MetricMetadataEntry { Metric = f.Key, Type = m.Type, Help = m.Help, Unit = m.Unit }))]
            : []);

    public async Task<string[]> LabelValues(string name, MetricSelection selection) =>
        Store is { } store
            ? [.. await store.LabelValuesAsync(name, MetricSelections.MatchersOrNull(selection), selection.MinMs, selection.MaxMs, CancellationToken.None)]
            : [];
}
