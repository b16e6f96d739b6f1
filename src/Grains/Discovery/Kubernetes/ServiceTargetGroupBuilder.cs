using System.Globalization;
using k8s.Models;
using static Pipeline.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Turns a service into its target group (role <c>service</c>): one target per service port at the
/// service's cluster DNS name, <c>&lt;name&gt;.&lt;namespace&gt;.svc:&lt;port&gt;</c>.
/// </summary>
internal static class ServiceTargetGroupBuilder
{
    private const string Service = Prefix + "service_";

    public static string SourceOf(V1Service service) => $"svc/{service.Metadata.NamespaceProperty}/{service.Metadata.Name}";

    public static TargetGroup Build(V1Service service)
    {
        var meta = service.Metadata;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Namespace] = meta.NamespaceProperty ?? "",
            [Service + "name"] = meta.Name ?? "",
        };
        AddLabelsAndAnnotations(labels, Service, meta.Labels, meta.Annotations);

        var spec = service.Spec;
        var type = spec?.Type ?? "ClusterIP";
        var host = $"{meta.Name}.{meta.NamespaceProperty}.svc";
        var targets = new List<IReadOnlyDictionary<string, string>>();
        foreach (var port in spec?.Ports ?? [])
        {
            var target = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [Address] = HostPort(host, port.Port),
                [Service + "port_name"] = port.Name ?? "",
                [Service + "port_number"] = port.Port.ToString(CultureInfo.InvariantCulture),
                [Service + "port_protocol"] = port.Protocol ?? "TCP",
                [Service + "type"] = type,
            };
            if (type == "ExternalName")
            {
                target[Service + "external_name"] = spec?.ExternalName ?? "";
            }
            else
            {
                target[Service + "cluster_ip"] = spec?.ClusterIP ?? "";
            }

            if (type == "LoadBalancer" && service.Status?.LoadBalancer?.Ingress?.FirstOrDefault(i => !string.IsNullOrEmpty(i.Ip)) is { } ingress)
            {
                target[Service + "loadbalancer_ip"] = ingress.Ip;
            }

            targets.Add(target);
        }

        return new TargetGroup(SourceOf(service), labels, targets);
    }
}
