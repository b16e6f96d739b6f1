using System.Globalization;
using k8s.Models;
using static Pipeline.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Turns a pod into its target group (role <c>pod</c>): pod-wide meta labels on the group, one target
/// per declared container port (<c>podIP:port</c>) and one per container without ports (<c>podIP</c>),
/// init containers included and marked. A pod without an IP yet has no targets.
/// </summary>
internal static class PodTargetGroupBuilder
{
    private const string Pod = Prefix + "pod_";

    public static string SourceOf(V1Pod pod) => $"pod/{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";

    public static TargetGroup Build(V1Pod pod)
    {
        var meta = pod.Metadata;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Namespace] = meta.NamespaceProperty ?? "",
            [Pod + "name"] = meta.Name ?? "",
            [Pod + "ip"] = pod.Status?.PodIP ?? "",
            [Pod + "ready"] = Readiness(pod),
            [Pod + "phase"] = pod.Status?.Phase ?? "",
            [Pod + "node_name"] = pod.Spec?.NodeName ?? "",
            [Pod + "host_ip"] = pod.Status?.HostIP ?? "",
            [Pod + "uid"] = meta.Uid ?? "",
        };
        if (meta.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } controller)
        {
            labels[Pod + "controller_kind"] = controller.Kind ?? "";
            labels[Pod + "controller_name"] = controller.Name ?? "";
        }

        AddLabelsAndAnnotations(labels, Pod, meta.Labels, meta.Annotations);

        var targets = new List<IReadOnlyDictionary<string, string>>();
        var podIp = pod.Status?.PodIP;
        if (!string.IsNullOrEmpty(podIp) && pod.Spec is { } spec)
        {
            AddContainers(targets, podIp, spec.Containers, pod.Status?.ContainerStatuses, init: false);
            AddContainers(targets, podIp, spec.InitContainers, pod.Status?.InitContainerStatuses, init: true);
        }

        return new TargetGroup(SourceOf(pod), labels, targets);
    }

    private static void AddContainers(List<IReadOnlyDictionary<string, string>> targets, string podIp, IList<V1Container>? containers, IList<V1ContainerStatus>? statuses, bool init)
    {
        if (containers is null)
        {
            return;
        }

        foreach (var container in containers)
        {
            var id = statuses?.FirstOrDefault(s => s.Name == container.Name)?.ContainerID;
            if (container.Ports is not { Count: > 0 } ports)
            {
                var target = ContainerLabels(container, id, init);
                target[Address] = podIp;
                targets.Add(target);
                continue;
            }

            foreach (var port in ports)
            {
                var target = ContainerLabels(container, id, init);
                target[Address] = HostPort(podIp, port.ContainerPort);
                target[Pod + "container_port_name"] = port.Name ?? "";
                target[Pod + "container_port_number"] = port.ContainerPort.ToString(CultureInfo.InvariantCulture);
                target[Pod + "container_port_protocol"] = port.Protocol ?? "TCP";
                targets.Add(target);
            }
        }
    }

    private static Dictionary<string, string> ContainerLabels(V1Container container, string? id, bool init)
    {
        var target = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Pod + "container_name"] = container.Name,
            [Pod + "container_image"] = container.Image ?? "",
            [Pod + "container_init"] = Bool(init),
        };
        if (!string.IsNullOrEmpty(id))
        {
            target[Pod + "container_id"] = id;
        }

        return target;
    }

    // The Ready condition's status in lower case; "unknown" while the kubelet has not reported it.
    private static string Readiness(V1Pod pod)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return ready?.Status?.ToLowerInvariant() ?? "unknown";
    }
}
