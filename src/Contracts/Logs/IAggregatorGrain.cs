namespace Pipeline.Contracts.Logs;

/// <summary>
/// Filters, routes and writes the log batches of one tenant shard. Keyed by
/// <c>"&lt;tenant&gt;/&lt;shard&gt;"</c>. A call returns once the batch is in the store,
/// so the caller may commit the file offsets it covers.
/// </summary>
[Alias("pipeline.IAggregatorGrain")]
public interface IAggregatorGrain : IGrainWithStringKey
{
    [Alias("Deliver")]
    Task<DeliveryResult> Deliver(LogBatch batch);
}
