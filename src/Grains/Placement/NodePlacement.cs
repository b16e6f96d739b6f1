namespace Pipeline.Grains.Placement;

/// <summary>Places a grain keyed by node name on the silo whose metadata names that node.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("pipeline.NodePlacement")]
public sealed class NodePlacement : PlacementStrategy
{
    public static readonly NodePlacement Instance = new();
}
