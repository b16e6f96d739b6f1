namespace Pipeline.Grains.Discovery;

/// <summary>
/// A Prometheus target group: <see cref="Labels"/> common to every target, each entry of
/// <see cref="Targets"/> with <c>__address__</c> and its own labels. <see cref="Source"/> names
/// the group within its discoverer (a file and index, a Kubernetes object) and is stable across updates.
/// </summary>
public sealed record TargetGroup(
    string Source,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Targets);
