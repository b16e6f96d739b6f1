namespace Pipeline.Contracts.Logs;

/// <summary>
/// Where a record came from: one container log file and the Kubernetes metadata its
/// path gives, completed from the API server's pod (labels, annotations, image, pod id) when the
/// collector watches its node's pods. A collector makes a new source when its pod changes, so one
/// instance is carried once per batch and never per record. <see cref="FileKey"/> is the stable identity
/// of the file (device, inode, hash of its first line) that record ids are made of.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.LogSource")]
public sealed record LogSource
{
    [Id(0)] public required string FileKey { get; init; }
    [Id(1)] public required string Path { get; init; }
    [Id(2)] public string? Namespace { get; init; }
    [Id(3)] public string? PodName { get; init; }
    [Id(4)] public string? PodId { get; init; }
    [Id(5)] public string? ContainerName { get; init; }
    [Id(6)] public string? ContainerId { get; init; }
    [Id(7)] public string? Host { get; init; }

    /// <summary>The pod's labels (fluent-bit <c>kubernetes.labels</c>); null when not enriched or not wanted.</summary>
    [Id(8)] public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The pod's annotations (<c>kubernetes.annotations</c>); null when not enriched or not wanted.</summary>
    [Id(9)] public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The container's image (<c>kubernetes.container_image</c>).</summary>
    [Id(10)] public string? ContainerImage { get; init; }

    /// <summary>The image's digest reference (<c>kubernetes.container_hash</c>).</summary>
    [Id(11)] public string? ContainerHash { get; init; }

    /// <summary>True when the metadata came from the API server's pod, not only from the file name.</summary>
    [Id(12)] public bool Enriched { get; init; }
}
