namespace Pipeline.Grains.Processing;

/// <summary>Builds the filter chain of one aggregator activation; each gets its own filter instances (throttle state is per shard).</summary>
public interface IFilterChainFactory
{
    FilterChain Create(string tenant);
}
