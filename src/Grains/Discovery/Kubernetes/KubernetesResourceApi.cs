using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The list and watch calls of one resource kind, so one list-then-watch loop serves every role.</summary>
internal sealed class KubernetesResourceApi<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>(namespace or null for all, label selector, field selector, page size, continue token) → one page, the list's resourceVersion and the next page's token.</summary>
    public required Func<string?, string?, string?, int, string?, CancellationToken, Task<(IList<T> Items, string? ResourceVersion, string? Continue)>> List { get; init; }

    /// <summary>(namespace, label selector, field selector, resourceVersion, timeout seconds, onError) → watch events.</summary>
    public required Func<string?, string?, string?, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch { get; init; }

    /// <summary>Builds the target group of one object.</summary>
    public required Func<T, TargetGroup> Build { get; init; }

    /// <summary>The target group source of one object (also of a deleted one).</summary>
    public required Func<T, string> SourceOf { get; init; }
}
