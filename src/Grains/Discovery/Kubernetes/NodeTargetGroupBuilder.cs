using k8s.Models;
using static Pipeline.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Turns a node into its target group (role <c>node</c>): one target at the node's first address of
/// the types InternalIP, ExternalIP, LegacyHostIP, Hostname (in that order of preference) and the
/// kubelet port, with <c>instance</c> set to the node name and the first address of each type.
/// </summary>
internal static class NodeTargetGroupBuilder
{
    private const string Node = Prefix + "node_";
    private static readonly string[] AddressPreference = ["InternalIP", "ExternalIP", "LegacyHostIP", "Hostname"];

    public static string SourceOf(V1Node node) => $"node/{node.Metadata.Name}";

    public static TargetGroup Build(V1Node node)
    {
        var meta = node.Metadata;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Node + "name"] = meta.Name ?? "",
        };
        if (!string.IsNullOrEmpty(node.Spec?.ProviderID))
        {
            labels[Node + "provider_id"] = node.Spec.ProviderID;
        }

        AddLabelsAndAnnotations(labels, Node, meta.Labels, meta.Annotations);

        var firstByType = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var address in node.Status?.Addresses ?? [])
        {
            if (address.Type is { } type && !firstByType.ContainsKey(type))
            {
                firstByType[type] = address.Address;
            }
        }

        var targets = new List<IReadOnlyDictionary<string, string>>();
        var host = AddressPreference.Select(t => firstByType.GetValueOrDefault(t)).FirstOrDefault(a => !string.IsNullOrEmpty(a));
        if (host is not null)
        {
            var port = node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port ?? 0;
            var target = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [Address] = HostPort(host, port),
                [Instance] = meta.Name ?? "",
            };
            foreach (var (type, address) in firstByType)
            {
                target[Node + "address_" + Sanitize(type)] = address;
            }

            targets.Add(target);
        }

        return new TargetGroup(SourceOf(node), labels, targets);
    }
}
