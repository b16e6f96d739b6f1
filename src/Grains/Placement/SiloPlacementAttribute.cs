using Orleans.Placement;

namespace Pipeline.Grains.Placement;

/// <summary>Marks a grain keyed by silo address to be placed on that silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPlacementAttribute : PlacementAttribute
{
    public SiloPlacementAttribute()
        : base(SiloPlacement.Instance)
    {
    }
}
