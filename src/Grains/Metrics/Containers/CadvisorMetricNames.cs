namespace Pipeline.Grains.Metrics.Containers;

/// <summary>The series names and labels cAdvisor (and kubelet's <c>/metrics/cadvisor</c>) exposes, which dashboards query by name.</summary>
public static class CadvisorMetricNames
{
    public const string CpuUsageSeconds = "container_cpu_usage_seconds_total";
    public const string CpuUserSeconds = "container_cpu_user_seconds_total";
    public const string CpuSystemSeconds = "container_cpu_system_seconds_total";
    public const string CfsPeriods = "container_cpu_cfs_periods_total";
    public const string CfsThrottledPeriods = "container_cpu_cfs_throttled_periods_total";
    public const string CfsThrottledSeconds = "container_cpu_cfs_throttled_seconds_total";
    public const string SpecCpuQuota = "container_spec_cpu_quota";
    public const string SpecCpuPeriod = "container_spec_cpu_period";
    public const string MemoryUsage = "container_memory_usage_bytes";
    public const string MemoryWorkingSet = "container_memory_working_set_bytes";
    public const string MemoryRss = "container_memory_rss";
    public const string MemoryCache = "container_memory_cache";
    public const string SpecMemoryLimit = "container_spec_memory_limit_bytes";
    public const string FsReadsBytes = "container_fs_reads_bytes_total";
    public const string FsWritesBytes = "container_fs_writes_bytes_total";
    public const string FsReads = "container_fs_reads_total";
    public const string FsWrites = "container_fs_writes_total";
    public const string NetworkReceiveBytes = "container_network_receive_bytes_total";
    public const string NetworkReceivePackets = "container_network_receive_packets_total";
    public const string NetworkReceiveErrors = "container_network_receive_errors_total";
    public const string NetworkReceiveDropped = "container_network_receive_packets_dropped_total";
    public const string NetworkTransmitBytes = "container_network_transmit_bytes_total";
    public const string NetworkTransmitPackets = "container_network_transmit_packets_total";
    public const string NetworkTransmitErrors = "container_network_transmit_errors_total";
    public const string NetworkTransmitDropped = "container_network_transmit_packets_dropped_total";

    public const string NameLabel = "__name__";
    public const string ContainerLabel = "container";
    public const string DeviceLabel = "device";
    public const string IdLabel = "id";
    public const string ImageLabel = "image";
    public const string InterfaceLabel = "interface";
    public const string NamespaceLabel = "namespace";
    public const string PodLabel = "pod";
}
