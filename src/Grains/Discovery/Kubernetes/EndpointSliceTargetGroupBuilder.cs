using k8s.Models;
using static Pipeline.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Turns an EndpointSlice into its target group (role <c>endpointslice</c>): one target per endpoint
/// (its first address) and port, with the endpoint's conditions, node, zone and target reference.
/// The owning service's name comes from the slice's <c>kubernetes.io/service-name</c> label; the
/// service's and pod's own labels are not joined in.
/// </summary>
internal static class EndpointSliceTargetGroupBuilder
{
    private const string Slice = Prefix + "endpointslice_";
    private const string ServiceNameLabel = "kubernetes.io/service-name";

    public static string SourceOf(V1EndpointSlice slice) => $"endpointslice/{slice.Metadata.NamespaceProperty}/{slice.Metadata.Name}";

    public static TargetGroup Build(V1EndpointSlice slice)
    {
        var meta = slice.Metadata;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Namespace] = meta.NamespaceProperty ?? "",
            [Slice + "name"] = meta.Name ?? "",
            [Slice + "address_type"] = slice.AddressType ?? "",
        };
        if (meta.Labels?.TryGetValue(ServiceNameLabel, out var service) == true)
        {
            labels[Prefix + "service_name"] = service;
        }

        AddLabelsAndAnnotations(labels, Slice, meta.Labels, meta.Annotations);

        var targets = new List<IReadOnlyDictionary<string, string>>();
        foreach (var endpoint in slice.Endpoints ?? [])
        {
            if (endpoint.Addresses is not { Count: > 0 } addresses)
            {
                continue;
            }

            foreach (var port in slice.Ports ?? [])
            {
                var target = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [Address] = port.Port is { } number ? HostPort(addresses[0], number) : addresses[0],
                    [Slice + "port"] = port.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    [Slice + "port_name"] = port.Name ?? "",
                    [Slice + "port_protocol"] = port.Protocol ?? "TCP",
                };
                if (!string.IsNullOrEmpty(port.AppProtocol))
                {
                    target[Slice + "port_app_protocol"] = port.AppProtocol;
                }

                AddEndpoint(target, endpoint);
                targets.Add(target);
            }
        }

        return new TargetGroup(SourceOf(slice), labels, targets);
    }

    private static void AddEndpoint(Dictionary<string, string> target, V1Endpoint endpoint)
    {
        if (endpoint.Conditions is { } conditions)
        {
            if (conditions.Ready is { } ready)
            {
                target[Slice + "endpoint_conditions_ready"] = Bool(ready);
            }

            if (conditions.Serving is { } serving)
            {
                target[Slice + "endpoint_conditions_serving"] = Bool(serving);
            }

            if (conditions.Terminating is { } terminating)
            {
                target[Slice + "endpoint_conditions_terminating"] = Bool(terminating);
            }
        }

        if (!string.IsNullOrEmpty(endpoint.Hostname))
        {
            target[Slice + "endpoint_hostname"] = endpoint.Hostname;
        }

        if (!string.IsNullOrEmpty(endpoint.NodeName))
        {
            target[Slice + "endpoint_node_name"] = endpoint.NodeName;
        }

        if (!string.IsNullOrEmpty(endpoint.Zone))
        {
            target[Slice + "endpoint_zone"] = endpoint.Zone;
        }

        if (endpoint.TargetRef is { } reference)
        {
            target[Slice + "address_target_kind"] = reference.Kind ?? "";
            target[Slice + "address_target_name"] = reference.Name ?? "";
        }
    }
}
