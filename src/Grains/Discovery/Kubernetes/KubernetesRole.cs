namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>The kind of Kubernetes object a discovery turns into targets, as in Prometheus' <c>kubernetes_sd_configs[].role</c>.</summary>
public enum KubernetesRole
{
    /// <summary>One target per declared container port of each pod (the pod IP alone for a container without ports).</summary>
    Pod,

    /// <summary>One target per node, at its first address and the kubelet port.</summary>
    Node,

    /// <summary>One target per service port, at the service's cluster DNS name.</summary>
    Service,

    /// <summary>One target per endpoint address and port of each EndpointSlice.</summary>
    EndpointSlice,
}
