namespace Pipeline.Contracts.Metrics;

/// <summary>
/// The docker stats table of the node a silo runs on. Keyed by silo address (<c>SiloAddress.ToParsableString()</c>)
/// and placed on that silo, where the node's container metrics collector keeps its snapshots; the HTTP API asks
/// one per active silo for the cluster's table.
/// </summary>
[Alias("pipeline.IContainerStatsGrain")]
public interface IContainerStatsGrain : IGrainWithStringKey
{
    [Alias("GetStats")]
    Task<NodeContainerStats> GetStats();
}
