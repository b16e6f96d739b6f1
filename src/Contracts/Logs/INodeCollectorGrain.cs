namespace Pipeline.Contracts.Logs;

/// <summary>
/// Tails the container logs of one node and pushes batches to aggregators. Keyed by
/// node name and placed on the silo that runs on that node.
/// </summary>
[Alias("pipeline.INodeCollectorGrain")]
public interface INodeCollectorGrain : IGrainWithStringKey
{
    /// <summary>Activates the collector (if it is not already) and returns where it runs.</summary>
    [Alias("Start")]
    Task<CollectorStatus> Start();

    [Alias("GetStatus")]
    Task<CollectorStatus> GetStatus();
}
