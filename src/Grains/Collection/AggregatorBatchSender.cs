using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Collection;

/// <summary>Sends batches to the <see cref="IAggregatorGrain"/> of their tenant shard; a failed call becomes a failed delivery.</summary>
public sealed class AggregatorBatchSender(IGrainFactory grains) : ILogBatchSender
{
    public static string AggregatorKey(string tenant, int shard) => $"{tenant}/{shard}";

    public async Task<DeliveryResult> SendAsync(string tenant, int shard, LogBatch batch)
    {
        try
        {
            return await grains.GetGrain<IAggregatorGrain>(AggregatorKey(tenant, shard)).Deliver(batch);
        }
        catch (Exception e)
        {
            return DeliveryResult.Failed($"{e.GetType().Name}: {e.Message}");
        }
    }
}
