using Pipeline.Grains.Configuration;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Builds the filters of <c>logs.filters</c> for one aggregator activation: fresh instances (a
/// filter keeps per-activation state such as throttle buckets and scratch buffers) over the shared,
/// validated options. One factory per silo.
/// </summary>
public sealed class FilterChainFactory : IFilterChainFactory
{
    private readonly IReadOnlyList<LogFilterOptions> _filters;
    private readonly LogMetricsRegistry _registry;
    private readonly PipelineMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly int _shardsPerTenant = 1;

    public FilterChainFactory(IReadOnlyList<LogFilterOptions> filters, LogMetricsRegistry registry, PipelineMetrics? metrics, TimeProvider time)
    {
        _filters = filters;
        _registry = registry;
        _metrics = metrics;
        _time = time;
    }

    public FilterChainFactory(LogsConfig config, LogMetricsRegistry registry, PipelineMetrics metrics, TimeProvider time)
        : this(config.Filters, registry, metrics, time)
    {
        _shardsPerTenant = config.ShardsPerTenant;
    }

    /// <summary>The chain of one aggregator activation of <paramref name="tenant"/> (every tenant has <c>shards_per_tenant</c> of them).</summary>
    public FilterChain Create(string tenant) => CreateChain(_shardsPerTenant);

    /// <summary>Whether any filter is configured (an aggregator may skip building events' chains otherwise).</summary>
    public bool IsEmpty => _filters.Count == 0;

    /// <param name="shardsPerTenant">The tenant's aggregator shards; throttle limits are divided among them.</param>
    public List<ILogFilter> CreateFilters(int shardsPerTenant)
    {
        var result = new List<ILogFilter>(_filters.Count);
        foreach (var options in _filters)
        {
            result.Add(Create(options, shardsPerTenant));
        }

        return result;
    }

    /// <param name="shardsPerTenant">The tenant's aggregator shards; throttle limits are divided among them.</param>
    public FilterChain CreateChain(int shardsPerTenant) =>
        _filters.Count == 0 ? FilterChain.Empty : new FilterChain(CreateFilters(shardsPerTenant), _metrics);

    private ILogFilter Create(LogFilterOptions options, int shardsPerTenant) => options switch
    {
        GrepFilterOptions grep => new GrepFilter(grep, _metrics),
        ModifyFilterOptions modify => new ModifyFilter(modify),
        RecordTransformerFilterOptions transformer => new RecordTransformerFilter(transformer),
        ParserFilterOptions parser => new ParserFilter(parser, _metrics),
        ThrottleFilterOptions throttle => new ThrottleFilter(throttle, shardsPerTenant, _time),
        LogToMetricsFilterOptions toMetrics => new LogToMetricsFilter(toMetrics, _registry, _metrics),
        _ => throw new ArgumentException($"no filter for options of type {options.GetType().Name}", nameof(options)),
    };
}
