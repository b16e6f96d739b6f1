namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>What a discovery did so far, for its owner to export as metrics (all counts since start).</summary>
/// <param name="Lists">Full lists made (the first one per watch included).</param>
/// <param name="Watches">Watch requests started.</param>
/// <param name="Events">Watch events applied (ADDED, MODIFIED, DELETED).</param>
/// <param name="Bookmarks">BOOKMARK events received.</param>
/// <param name="Expired">410 Gone answers that forced a relist.</param>
/// <param name="Failures">Lists or watches that failed and were retried after a pause.</param>
/// <param name="Stalls">Watches abandoned because they stayed silent well past their timeout.</param>
public readonly record struct KubernetesDiscoveryCounters(long Lists, long Watches, long Events, long Bookmarks, long Expired, long Failures, long Stalls);
