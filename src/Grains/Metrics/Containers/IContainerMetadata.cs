namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Names the container behind a cgroup. The collector asks once per container per collection, so an
/// implementation answers from memory (a pod cache), never from the API server.
/// </summary>
public interface IContainerMetadata
{
    /// <summary>
    /// The metadata of container <paramref name="containerId"/> of pod <paramref name="podUid"/>; for a pod that is
    /// known but whose containers do not list the id (the sandbox), the pod's with an empty container and
    /// image; null when the pod is unknown.
    /// </summary>
    ContainerMetadata? Find(string podUid, string containerId);

    /// <summary>Grows when anything an answer depends on changed, so callers may keep answers until it moves.</summary>
    long Version { get; }
}
