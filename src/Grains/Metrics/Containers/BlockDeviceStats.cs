namespace Pipeline.Grains.Metrics.Containers;

/// <summary>A cgroup's I/O on one block device (v2 <c>io.stat</c>, v1 <c>blkio.throttle.io_service_bytes</c> and <c>io_serviced</c>).</summary>
/// <param name="Device">The device as cAdvisor names it (<c>/dev/sda</c>) when <c>/proc/partitions</c> knows it, else <c>major:minor</c>.</param>
/// <param name="ReadBytes">Bytes read.</param>
/// <param name="WriteBytes">Bytes written.</param>
/// <param name="Reads">Read operations.</param>
/// <param name="Writes">Write operations.</param>
public sealed record BlockDeviceStats(string Device, long ReadBytes, long WriteBytes, long Reads, long Writes);
