namespace Pipeline.Grains.Placement;

/// <summary>Keys this product puts in each silo's metadata, read by its placement directors.</summary>
public static class SiloMetadataKeys
{
    /// <summary>The Kubernetes node the silo runs on (its collector reads that node's files).</summary>
    public const string Node = "pipeline.node";
}
