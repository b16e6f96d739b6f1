namespace Pipeline.Grains.Search;

/// <summary>The keys of per-silo grains (search, dead letters): one per active silo.</summary>
public static class ActiveSilos
{
    public static List<string> Keys(IClusterMembershipService membership) =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())];
}
