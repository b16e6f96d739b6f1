using k8s;
using k8s.Models;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The list and watch calls of namespaces, for the namespace-label watch of tenancy (no discovery role yields them).</summary>
internal static class KubernetesNamespaceApi
{
    public static KubernetesResourceApi<V1Namespace> Create(IKubernetes client) => new()
    {
        List = async (_, labels, fields, limit, next, ct) =>
        {
            var list = await client.CoreV1.ListNamespaceAsync(continueParameter: next, fieldSelector: fields, labelSelector: labels, limit: limit, cancellationToken: ct);
            return (list.Items, list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        Watch = (_, labels, fields, version, timeout, onError, ct) =>
            client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: labels, resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
        Build = _ => throw new NotSupportedException("namespaces yield no scrape targets"),
        SourceOf = ns => ns.Metadata?.Name ?? "",
    };
}
