namespace Pipeline.Grains.Discovery;

/// <summary>
/// A Prometheus target group: <see cref="Labels"/> common to every target, each entry of
/// <see cref="Targets"/> with <c>__address__</c> and its own labels. <see cref="Source"/> names
/// the group within its discoverer (a file and index, a Kubernetes object) and is stable across updates.
/// </summary>
public sealed record TargetGroup(
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

    /// <summary>Whether <paramref name="other"/> has the same source, labels and targets (in the same order).</summary>
    public bool SameAs(TargetGroup other) =>
        string.Equals(Source, other.Source, StringComparison.Ordinal) &&
        SameLabels(Labels, other.Labels) &&
        Targets.Count == other.Targets.Count &&
        Targets.Zip(other.Targets).All(t => SameLabels(t.First, t.Second));

    /// <summary>Whether two full sets hold the same groups in the same order.</summary>
    public static bool SameSets(IReadOnlyList<TargetGroup> a, IReadOnlyList<TargetGroup> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!a[i].SameAs(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));
}
