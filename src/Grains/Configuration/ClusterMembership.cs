namespace Pipeline.Grains.Configuration;

/// <summary>Where the silos of one cluster find each other (<c>cluster.membership</c>).</summary>
public enum ClusterMembership
{
    /// <summary>One silo on this machine, nothing shared: the embedded default.</summary>
    Localhost,

    /// <summary>The membership table in Redis (<c>Microsoft.Orleans.Clustering.Redis</c>).</summary>
    Redis,
}
