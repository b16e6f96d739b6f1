using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>Turns watched objects into target groups (through the role's builder) for a <see cref="KubernetesTargetSet"/>.</summary>
internal sealed class KubernetesTargetSetSink<T>(KubernetesResourceApi<T> api, KubernetesTargetSet targets) : IKubernetesObjectSink<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    public void Replace(int scope, IReadOnlyList<T> items) => targets.Replace(scope, items.Select(api.Build));

    public void Upsert(int scope, T item) => targets.Upsert(scope, api.Build(item));

    public void Remove(int scope, T item) => targets.Remove(scope, api.SourceOf(item));
}
