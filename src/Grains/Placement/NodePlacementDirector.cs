using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Pipeline.Grains.Placement;

/// <summary>
/// Places a grain keyed by node name on the compatible silo whose metadata
/// (<see cref="SiloMetadataKeys.Node"/>) names that node. When no silo matches (the node has
/// no silo, or it left) the grain goes to the local silo; the grain itself checks where it
/// landed and stays idle if it is not on its node.
/// </summary>
public sealed class NodePlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var node = target.GrainIdentity.Key.ToString();
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (metadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiloMetadataKeys.Node, out var value) && value == node)
            {
                return Task.FromResult(silo);
            }
        }

        return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[0]);
    }
}
