namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// The targets one Kubernetes object yields, as a Prometheus target group: <see cref="Labels"/> are
/// common to every target, each entry of <see cref="Targets"/> carries <c>__address__</c> and its own meta
/// labels. <see cref="Source"/> names the object (<c>pod/shop/web-1</c>) and is stable across updates.
/// </summary>
public sealed record KubernetesTargetGroup(
    string Source,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Targets)
{
    /// <summary>Each target's labels merged with the group's (a target's own label wins).</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> MergedTargets()
    {
        foreach (var target in Targets)
        {
            var merged = new Dictionary<string, string>(Labels, StringComparer.Ordinal);
            foreach (var (name, value) in target)
            {
                merged[name] = value;
            }

            yield return merged;
        }
    }
}
