namespace Pipeline.Grains.Placement;

/// <summary>Places a grain keyed by silo address on that silo.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("pipeline.SiloPlacement")]
public sealed class SiloPlacement : PlacementStrategy
{
    public static readonly SiloPlacement Instance = new();
}
