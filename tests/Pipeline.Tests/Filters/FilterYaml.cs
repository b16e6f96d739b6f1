using Pipeline.Grains.Configuration;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;

namespace Pipeline.Tests.Filters;

/// <summary>Filters built the way a silo builds them: from pipeline YAML through the configuration reader and the factory.</summary>
internal static class FilterYaml
{
    public static LogsConfig Load(string yaml) => PipelineConfigLoader.Parse(yaml).Logs;

    public static List<ILogFilter> Build(string yaml, FilterMetrics metrics, TimeProvider? time = null, int shardsPerTenant = 1) =>
        new FilterChainFactory(Load(yaml).Filters, metrics.Registry, metrics.Metrics, time ?? TimeProvider.System).CreateFilters(shardsPerTenant);

    public static ILogFilter Single(string yaml, FilterMetrics metrics, TimeProvider? time = null, int shardsPerTenant = 1) =>
        Xunit.Assert.Single(Build(yaml, metrics, time, shardsPerTenant));

    public static FilterChain Chain(string yaml, FilterMetrics metrics, TimeProvider? time = null, int shardsPerTenant = 1) =>
        new FilterChainFactory(Load(yaml).Filters, metrics.Registry, metrics.Metrics, time ?? TimeProvider.System).CreateChain(shardsPerTenant);

    /// <summary>Applies the filter as the chain would (only when its selector matches).</summary>
    public static FilterVerdict Run(this ILogFilter filter, LogEvent record) =>
        filter.Selector.Matches(record) ? filter.Apply(record) : FilterVerdict.Keep;
}
