namespace Pipeline.Grains.Metrics.Containers;

/// <summary>The quality-of-service level kubelet files a pod's cgroup under.</summary>
public enum PodQosClass
{
    /// <summary>Directly under <c>kubepods</c>: kubelet gives guaranteed pods no level of their own.</summary>
    Guaranteed,
    Burstable,
    BestEffort,
}
