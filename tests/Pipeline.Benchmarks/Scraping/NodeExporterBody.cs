using System.Globalization;
using System.Text;

namespace Pipeline.Benchmarks.Scraping;

/// <summary>
/// A node-exporter-like scrape body of exactly <see cref="SampleCount"/> samples: CPU modes,
/// disks, filesystems, network devices, a few histograms and a Go summary, with HELP and TYPE
/// lines, in the text format or OpenMetrics.
/// </summary>
internal static class NodeExporterBody
{
    public const int SampleCount = 2000;

    private static readonly string[] CpuModes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
    private static readonly string[] Disks = ["nvme0n1", "nvme1n1", "sda", "sdb", "dm-0", "dm-1"];
    private static readonly string[] NetDevices = ["eth0", "eth1", "lo", "cni0", "flannel.1", "veth1a2b3c4d", "veth5e6f7a8b", "docker0"];

    public static byte[] Create(bool openMetrics)
    {
        var body = new StringBuilder(256 * 1024);
        var samples = 0;
        var counter = 0;

        void Family(string name, string type, string help)
        {
            var family = openMetrics && type == "counter" ? name[..^"_total".Length] : name;
            body.Append("# HELP ").Append(family).Append(' ').Append(help).Append('\n');
            body.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
        }

        void Sample(string name, string labels, double value)
        {
            if (samples == SampleCount)
            {
                return;
            }

            body.Append(name);
            if (labels.Length > 0)
            {
                body.Append('{').Append(labels).Append('}');
            }

            body.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            samples++;
        }

        double Next() => ++counter * 1234.5678;

        Family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
        for (var cpu = 0; cpu < 32; cpu++)
        {
            foreach (var mode in CpuModes)
            {
                Sample("node_cpu_seconds_total", $"cpu=\"{cpu}\",mode=\"{mode}\"", Next());
            }
        }

        foreach (var metric in new[] { "reads_completed", "reads_merged", "read_bytes", "read_time_seconds", "writes_completed", "writes_merged", "written_bytes", "write_time_seconds", "io_time_seconds", "io_time_weighted_seconds", "discards_completed", "discarded_sectors", "flush_requests" })
        {
            Family($"node_disk_{metric}_total", "counter", $"The total number of {metric.Replace('_', ' ')}.");
            foreach (var disk in Disks)
            {
                Sample($"node_disk_{metric}_total", $"device=\"{disk}\"", Next());
            }
        }

        foreach (var metric in new[] { "avail_bytes", "files", "files_free", "free_bytes", "readonly", "size_bytes", "device_error" })
        {
            Family($"node_filesystem_{metric}", "gauge", $"Filesystem {metric.Replace('_', ' ')}.");
            for (var fs = 0; fs < 12; fs++)
            {
                Sample($"node_filesystem_{metric}", $"device=\"/dev/nvme0n1p{fs}\",fstype=\"ext4\",mountpoint=\"/var/lib/kubelet/pods/{fs:x8}-0000-4000-8000-00000000{fs:x4}/volumes\"", Next());
            }
        }

        foreach (var metric in new[] { "receive_bytes", "receive_packets", "receive_errs", "receive_drop", "receive_fifo", "receive_frame", "receive_compressed", "receive_multicast", "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop", "transmit_fifo", "transmit_colls", "transmit_carrier", "transmit_compressed" })
        {
            Family($"node_network_{metric}_total", "counter", $"Network device statistic {metric}.");
            foreach (var device in NetDevices)
            {
                Sample($"node_network_{metric}_total", $"device=\"{device}\"", Next());
            }
        }

        Family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
        foreach (var q in new[] { "0", "0.25", "0.5", "0.75", "1" })
        {
            Sample("go_gc_duration_seconds", $"quantile=\"{q}\"", 1.7e-05 * (1 + counter++ % 7));
        }

        Sample("go_gc_duration_seconds_sum", "", 0.532);
        Sample("go_gc_duration_seconds_count", "", 4711);

        for (var h = 0; samples < SampleCount; h++)
        {
            var name = $"node_scrape_collector_duration_{h}_seconds";
            Family(name, "histogram", "Duration of a collector scrape.");
            foreach (var le in new[] { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf" })
            {
                Sample($"{name}_bucket", $"collector=\"c{h % 40}\",le=\"{le}\"", counter++);
            }

            Sample($"{name}_sum", $"collector=\"c{h % 40}\"", 12.75);
            Sample($"{name}_count", $"collector=\"c{h % 40}\"", counter);
            for (var g = 0; g < 6; g++)
            {
                var gauge = $"node_memory_{h}_{g}_bytes";
                Family(gauge, "gauge", "Memory information field.");
                Sample(gauge, "", 1.6e10 - counter++);
            }
        }

        if (openMetrics)
        {
            body.Append("# EOF\n");
        }

        return Encoding.UTF8.GetBytes(body.ToString());
    }
}
