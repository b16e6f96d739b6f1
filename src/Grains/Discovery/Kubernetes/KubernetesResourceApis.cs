using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The <see cref="KubernetesResourceApi{T}"/> of each role, over the KubernetesClient operations.</summary>
internal static class KubernetesResourceApis
{
    public static KubernetesResourceApi<V1Pod> Pods(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, ct) =>
        {
            var list = ns is null
                ? await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: fields, labelSelector: labels, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: fields, labelSelector: labels, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = PodTargetGroupBuilder.Build,
        SourceOf = PodTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1Node> Nodes(IKubernetes client) => new()
    {
        List = async (_, labels, fields, ct) =>
        {
            var list = await client.CoreV1.ListNodeAsync(fieldSelector: fields, labelSelector: labels, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        Watch = (_, labels, fields, version, timeout, onError, ct) =>
            client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = NodeTargetGroupBuilder.Build,
        SourceOf = NodeTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1Service> Services(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, ct) =>
        {
            var list = ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: fields, labelSelector: labels, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, fieldSelector: fields, labelSelector: labels, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = ServiceTargetGroupBuilder.Build,
        SourceOf = ServiceTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1EndpointSlice> EndpointSlices(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, ct) =>
        {
            var list = ns is null
                ? await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(fieldSelector: fields, labelSelector: labels, cancellationToken: ct)
                : await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, fieldSelector: fields, labelSelector: labels, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = EndpointSliceTargetGroupBuilder.Build,
        SourceOf = EndpointSliceTargetGroupBuilder.SourceOf,
    };
}
