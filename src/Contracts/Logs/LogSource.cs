namespace Pipeline.Contracts.Logs;

/// <summary>
/// Where a record came from: one container log file and the Kubernetes metadata its
/// path (and later the API server) gives. <see cref="FileKey"/> is the stable identity
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
}
