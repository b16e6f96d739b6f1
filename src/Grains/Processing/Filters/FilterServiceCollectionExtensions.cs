using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>The entry point that makes <c>logs.filters</c> available to aggregators.</summary>
public static class FilterServiceCollectionExtensions
{
    /// <summary>
    /// Registers the silo's <see cref="LogMetricsRegistry"/> and a <see cref="FilterChainFactory"/>
    /// over <c>config.Logs.Filters</c>; an aggregator activation calls
    /// <see cref="FilterChainFactory.CreateChain"/> with <c>config.Logs.ShardsPerTenant</c>.
    /// Needs <see cref="PipelineMetrics"/>, a <see cref="TimeProvider"/> and metrics (<c>AddMetrics</c>).
    /// </summary>
    public static IServiceCollection AddLogFilters(this IServiceCollection services, PipelineConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LogMetricsRegistry>();
        services.TryAddSingleton(sp => new FilterChainFactory(
            config.Logs,
            sp.GetRequiredService<LogMetricsRegistry>(),
            sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
