using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The <see cref="KubernetesResourceApi{T}"/> of each role, over the KubernetesClient operations.</summary>
internal static class KubernetesResourceApis
{
    public static KubernetesResourceApi<V1Pod> Pods(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, limit, next, ct) =>
        {
            var list = ns is null
                ? await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = PodTargetGroupBuilder.Build,
        SourceOf = PodTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1Node> Nodes(IKubernetes client) => new()
    {
        List = async (_, labels, fields, limit, next, ct) =>
        {
            var list = await client.CoreV1.ListNodeAsync(continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        Watch = (_, labels, fields, version, timeout, onError, ct) =>
            client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = NodeTargetGroupBuilder.Build,
        SourceOf = NodeTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1Service> Services(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, limit, next, ct) =>
        {
            var list = ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = ServiceTargetGroupBuilder.Build,
        SourceOf = ServiceTargetGroupBuilder.SourceOf,
    };

    public static KubernetesResourceApi<V1EndpointSlice> EndpointSlices(IKubernetes client) => new()
    {
        List = async (ns, labels, fields, limit, next, ct) =>
        {
            var list = ns is null
                ? await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct)
                : await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        Watch = (ns, labels, fields, version, timeout, onError, ct) => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = EndpointSliceTargetGroupBuilder.Build,
        SourceOf = EndpointSliceTargetGroupBuilder.SourceOf,
    };
}
