using Orleans.Runtime.Placement;
using Pipeline.Grains.Scraping.Pool;

namespace Pipeline.Grains.Placement;

/// <summary>Places a new target grain on the hinted silo when it is compatible, else by rendezvous hashing of its key.</summary>
public sealed class TargetPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        if (target.RequestContextData is { } data && data.TryGetValue(TargetPlacement.SiloHintKey, out var hint) && hint is string wanted)
        {
            foreach (var silo in silos)
            {
                if (silo.ToParsableString() == wanted)
                {
                    return Task.FromResult(silo);
                }
            }
        }

        var names = silos.Select(s => s.ToParsableString()).ToArray();
        var chosen = TargetAssignment.Preferred(target.GrainIdentity.Key.ToString()!, names);
        return Task.FromResult(silos[Array.IndexOf(names, chosen)]);
    }
}
