namespace Pipeline.Grains.Metrics.Containers;

/// <summary>One interface of a cgroup's network namespace, from <c>/proc/&lt;pid&gt;/net/dev</c> of a process in the cgroup.</summary>
public sealed record NetworkInterfaceStats(
    string Interface,
    long ReceiveBytes,
    long ReceivePackets,
    long ReceiveErrors,
    long ReceiveDropped,
    long TransmitBytes,
    long TransmitPackets,
    long TransmitErrors,
    long TransmitDropped);
