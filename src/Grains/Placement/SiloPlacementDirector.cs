using Orleans.Runtime.Placement;

namespace Pipeline.Grains.Placement;

/// <summary>Places a grain keyed by a silo address (<see cref="SiloAddress.ToParsableString"/>) on that silo.</summary>
public sealed class SiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (silo.ToParsableString() == key)
            {
                return Task.FromResult(silo);
            }
        }

        throw new OrleansException($"No active silo has the address '{key}'.");
    }
}
