using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Collection;

/// <summary>Hands a batch to the aggregator shard that owns it; the grain sends to an <see cref="IAggregatorGrain"/>.</summary>
public interface ILogBatchSender
{
    /// <summary>Returns once the batch is stored, or failed; must not throw.</summary>
    Task<DeliveryResult> SendAsync(string tenant, int shard, LogBatch batch);
}
