using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// What a <see cref="KubernetesListWatch{T}"/> keeps up to date: the objects of each of its scopes
/// (one scope per watch), replaced whole by a list and changed one by one by watch events.
/// Called from the watch's own task; an implementation read from other threads guards itself.
/// </summary>
internal interface IKubernetesObjectSink<in T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Everything <paramref name="scope"/> holds is replaced by the result of a (re)list.</summary>
    void Replace(int scope, IReadOnlyList<T> items);

    /// <summary>An object was added or modified.</summary>
    void Upsert(int scope, T item);

    /// <summary>An object was deleted (<paramref name="item"/> is its last state).</summary>
    void Remove(int scope, T item);
}
