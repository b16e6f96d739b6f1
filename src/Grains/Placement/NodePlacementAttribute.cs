using Orleans.Placement;

namespace Pipeline.Grains.Placement;

/// <summary>Marks a grain keyed by node name to be placed on that node's silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute : PlacementAttribute
{
    public NodePlacementAttribute()
        : base(NodePlacement.Instance)
    {
    }
}
