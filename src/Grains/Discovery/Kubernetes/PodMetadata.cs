using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// What log records take from a pod: its id, labels, annotations and containers (image, image
/// digest, runtime id), plus what its <c>fluentbit.io/exclude</c> annotations ask. Immutable: a
/// change to the pod yields a new instance, so a reader can compare references.
/// </summary>
public sealed class PodMetadata
{
    /// <summary>The annotation that asks for a pod's (or, with a suffix, a stream's or container's) logs to be left out.</summary>
    public const string ExcludeAnnotation = "fluentbit.io/exclude";

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;

    /// <summary>Containers by name: init, regular and ephemeral ones.</summary>
    public IReadOnlyDictionary<string, PodContainerMetadata> Containers { get; init; } = new Dictionary<string, PodContainerMetadata>(StringComparer.Ordinal);

    public static PodMetadata From(V1Pod pod)
    {
        var meta = pod.Metadata;
        var containers = new Dictionary<string, PodContainerMetadata>(StringComparer.Ordinal);
        var statuses = new Dictionary<string, V1ContainerStatus>(StringComparer.Ordinal);
        foreach (var status in (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.EphemeralContainerStatuses ?? []))
        {
            statuses[status.Name] = status;
        }

        void Add(string name, string? specImage)
        {
            statuses.TryGetValue(name, out var status);
            containers[name] = new PodContainerMetadata(
                name,
                status?.Image is { Length: > 0 } image ? image : specImage,
                status?.ImageID is { Length: > 0 } imageId ? imageId : null,
                RuntimeId(status?.ContainerID));
        }

        foreach (var container in pod.Spec?.InitContainers ?? [])
        {
            Add(container.Name, container.Image);
        }

        foreach (var container in pod.Spec?.Containers ?? [])
        {
            Add(container.Name, container.Image);
        }

        foreach (var container in pod.Spec?.EphemeralContainers ?? [])
        {
            Add(container.Name, container.Image);
        }

        return new PodMetadata
        {
            Namespace = meta?.NamespaceProperty ?? "",
            Name = meta?.Name ?? "",
            Uid = meta?.Uid ?? "",
            Labels = meta?.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : Empty,
            Annotations = meta?.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : Empty,
            Containers = containers,
        };
    }

    /// <summary>
    /// The streams of <paramref name="container"/> its pod asks not to collect, read as fluent-bit reads
    /// <c>fluentbit.io/exclude[_stream][-container]</c> (values <c>"true"</c> or <c>"false"</c>). For each stream
    /// the most specific annotation present decides: stream and container, then container, then stream,
    /// then the pod-wide one; so <c>exclude: "true"</c> with <c>exclude-sidecar: "false"</c> keeps only the sidecar.
    /// </summary>
    public PodLogExclusion ExcludedStreams(string? container)
    {
        if (Annotations.Count == 0)
        {
            return PodLogExclusion.None;
        }

        var result = PodLogExclusion.None;
        if (Excludes("_stdout", container))
        {
            result |= PodLogExclusion.Stdout;
        }

        if (Excludes("_stderr", container))
        {
            result |= PodLogExclusion.Stderr;
        }

        return result;
    }

    /// <summary>Same labels, annotations and containers: nothing a record carries changed.</summary>
    public bool SameAs(PodMetadata other) =>
        Uid == other.Uid && Namespace == other.Namespace && Name == other.Name
        && SameMap(Labels, other.Labels) && SameMap(Annotations, other.Annotations)
        && Containers.Count == other.Containers.Count
        && Containers.All(c => other.Containers.TryGetValue(c.Key, out var o) && o == c.Value);

    private bool Excludes(string stream, string? container)
    {
        if (container is not null)
        {
            if (Flag($"{ExcludeAnnotation}{stream}-{container}") is { } streamAndContainer)
            {
                return streamAndContainer;
            }

            if (Flag($"{ExcludeAnnotation}-{container}") is { } containerWide)
            {
                return containerWide;
            }
        }

        return Flag(ExcludeAnnotation + stream) ?? Flag(ExcludeAnnotation) ?? false;
    }

    private bool? Flag(string annotation) =>
        Annotations.TryGetValue(annotation, out var value) ? string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase) : null;

    // containerd://0123… or docker://0123… → 0123…
    private static string? RuntimeId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var scheme = id.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? id : id[(scheme + 3)..];
    }

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        ReferenceEquals(a, b) || (a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));
}
