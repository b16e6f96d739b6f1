using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.RemoteWrite;
using Xunit;
using static Pipeline.Tests.Containers.SampleAssert;

namespace Pipeline.Tests.Containers;

/// <summary>
/// A whole node collected from fixture cgroup trees of both versions and both drivers: every cAdvisor
/// series with its exact value, the labels, what is skipped and what is counted.
/// </summary>
public sealed class ContainerMetricsCollectorTests
{
    private static readonly string[] ContainerSeries =
    [
        "container_cpu_cfs_periods_total",
        "container_cpu_cfs_throttled_periods_total",
        "container_cpu_cfs_throttled_seconds_total",
        "container_cpu_system_seconds_total",
        "container_cpu_usage_seconds_total",
        "container_cpu_user_seconds_total",
        "container_fs_reads_bytes_total{device=/dev/sda}",
        "container_fs_reads_total{device=/dev/sda}",
        "container_fs_writes_bytes_total{device=/dev/sda}",
        "container_fs_writes_total{device=/dev/sda}",
        "container_memory_cache",
        "container_memory_rss",
        "container_memory_usage_bytes",
        "container_memory_working_set_bytes",
        "container_spec_cpu_period",
        "container_spec_cpu_quota",
        "container_spec_memory_limit_bytes",
    ];

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void Every_container_of_every_qos_class_is_found_with_its_pod_uid_id_and_runtime(string layout)
    {
        using var node = new NodeFixture(layout);
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, new RecordingSampleSink(), node.Metadata);

        var snapshot = collector.Collect();

        Assert.Equal(node.Cgroups.Version, snapshot.Version);
        var found = snapshot.Containers.Select(c => c.Cgroup).OrderBy(c => c.ContainerId, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                new KubepodsCgroup(node.GuaranteedPath, PodQosClass.Guaranteed, NodeFixture.GuaranteedUid, NodeFixture.GuaranteedId, node.Runtime),
                new KubepodsCgroup(node.BurstablePath, PodQosClass.Burstable, NodeFixture.BurstableUid, NodeFixture.BurstableId, node.Runtime),
                new KubepodsCgroup(node.BestEffortPath, PodQosClass.BestEffort, NodeFixture.BestEffortUid, NodeFixture.BestEffortId, node.Runtime),
                new KubepodsCgroup(node.SandboxPath, PodQosClass.Guaranteed, NodeFixture.GuaranteedUid, NodeFixture.SandboxId, node.Runtime),
            ],
            found);
        Assert.Equal(1, snapshot.Skipped);
        Assert.Equal(1, snapshot.Unenriched);
        Assert.Equal(0, snapshot.MissingFiles);
        Assert.Equal(0, snapshot.UnreadableFiles);
        Assert.Equal(0, snapshot.GarbageFiles);
        Assert.Equal(4, snapshot.OnlineCpus);
        Assert.Equal(10_000 * 10_000_000L, snapshot.HostCpuNanoseconds);
        Assert.Equal(16_384_000 * 1024L, snapshot.HostMemoryBytes);
    }

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void A_limited_container_has_every_cadvisor_series_with_cadvisor_units(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;
        var id = node.GuaranteedPath;

        Assert.Equal(ContainerSeries, Series(samples, id));
        Assert.Equal(5.0, Value(samples, "container_cpu_usage_seconds_total", id));
        Assert.Equal(3.0, Value(samples, "container_cpu_user_seconds_total", id));
        Assert.Equal(2.0, Value(samples, "container_cpu_system_seconds_total", id));
        Assert.Equal(400, Value(samples, "container_cpu_cfs_periods_total", id));
        Assert.Equal(25, Value(samples, "container_cpu_cfs_throttled_periods_total", id));
        Assert.Equal(1.5, Value(samples, "container_cpu_cfs_throttled_seconds_total", id));
        Assert.Equal(50_000, Value(samples, "container_spec_cpu_quota", id));
        Assert.Equal(100_000, Value(samples, "container_spec_cpu_period", id));
        Assert.Equal(104_857_600, Value(samples, "container_memory_usage_bytes", id));
        Assert.Equal(94_371_840, Value(samples, "container_memory_working_set_bytes", id));
        Assert.Equal(62_914_560, Value(samples, "container_memory_rss", id));
        Assert.Equal(31_457_280, Value(samples, "container_memory_cache", id));
        Assert.Equal(268_435_456, Value(samples, "container_spec_memory_limit_bytes", id));
        Assert.Equal(4096, Value(samples, "container_fs_reads_bytes_total", id, "device", "/dev/sda"));
        Assert.Equal(8192, Value(samples, "container_fs_writes_bytes_total", id, "device", "/dev/sda"));
        Assert.Equal(2, Value(samples, "container_fs_reads_total", id, "device", "/dev/sda"));
        Assert.Equal(3, Value(samples, "container_fs_writes_total", id, "device", "/dev/sda"));
    }

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void Series_carry_namespace_pod_container_image_and_id_sorted_by_name(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();

        var usage = Assert.Single(Find(sink.Last, "container_memory_usage_bytes", node.BurstablePath));
        Assert.Equal(
            [
                new RemoteWriteLabel("__name__", "container_memory_usage_bytes"),
                new RemoteWriteLabel("container", "nginx"),
                new RemoteWriteLabel("id", node.BurstablePath),
                new RemoteWriteLabel("image", "nginx:1.27"),
                new RemoteWriteLabel("namespace", "shop"),
                new RemoteWriteLabel("pod", "web-7d9f"),
            ],
            usage.Series.DecodeLabels());
        var read = Assert.Single(Find(sink.Last, "container_fs_reads_bytes_total", node.BurstablePath, "device", "/dev/nvme0n1"));
        Assert.Equal(["__name__", "container", "device", "id", "image", "namespace", "pod"], read.Series.DecodeLabels().Select(l => l.Name));

        // The sandbox's pod is known, its container is not: namespace and pod, no container or image (as cAdvisor's pause).
        var sandbox = Assert.Single(Find(sink.Last, "container_memory_usage_bytes", node.SandboxPath));
        Assert.Equal(
            [
                new RemoteWriteLabel("__name__", "container_memory_usage_bytes"),
                new RemoteWriteLabel("id", node.SandboxPath),
                new RemoteWriteLabel("namespace", "shop"),
                new RemoteWriteLabel("pod", "cart-0"),
            ],
            sandbox.Series.DecodeLabels());
        Assert.Equal(1_000_000, sandbox.Value);
    }

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void Working_set_is_never_below_zero_and_devices_are_named_from_proc_partitions(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;
        var id = node.BurstablePath;

        // 50 MB in use, 60 MB of it inactive file cache (a hierarchical total may exceed usage): 0, not negative.
        Assert.Equal(50_000_000, Value(samples, "container_memory_usage_bytes", id));
        Assert.Equal(0, Value(samples, "container_memory_working_set_bytes", id));
        Assert.Equal(7.25, Value(samples, "container_cpu_usage_seconds_total", id));
        Assert.Equal(4.0, Value(samples, "container_cpu_user_seconds_total", id));
        Assert.Equal(3.25, Value(samples, "container_cpu_system_seconds_total", id));
        Assert.Equal(12.345, Value(samples, "container_cpu_cfs_throttled_seconds_total", id));
        Assert.Equal(200_000, Value(samples, "container_spec_cpu_quota", id));
        Assert.Equal(1_048_576, Value(samples, "container_fs_reads_bytes_total", id, "device", "/dev/sda"));
        Assert.Equal(2_097_152, Value(samples, "container_fs_writes_bytes_total", id, "device", "/dev/sda"));
        Assert.Equal(512, Value(samples, "container_fs_reads_bytes_total", id, "device", "/dev/nvme0n1"));
        Assert.Equal(2, Value(samples, "container_fs_writes_total", id, "device", "/dev/nvme0n1"));
        Assert.Equal(7, Value(samples, "container_fs_reads_total", id, "device", "253:7"));
        Assert.Equal(6, Value(samples, "container_fs_writes_bytes_total", id, "device", "253:7"));
    }

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void An_unlimited_container_reports_a_zero_memory_limit_and_no_cpu_quota(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;
        var id = node.BestEffortPath;

        Assert.Equal(0, Value(samples, "container_spec_memory_limit_bytes", id));
        Assert.Empty(Find(samples, "container_spec_cpu_quota", id));
        Assert.Equal(100_000, Value(samples, "container_spec_cpu_period", id));
        Assert.Equal(20_971_520, Value(samples, "container_memory_usage_bytes", id));
        Assert.Equal(19_922_944, Value(samples, "container_memory_working_set_bytes", id));
        Assert.Equal(0.99, Value(samples, "container_cpu_usage_seconds_total", id));
        Assert.Empty(Find(samples, "container_fs_reads_bytes_total", id, "device", "/dev/sda"));
    }

    [Theory]
    [MemberData(nameof(NodeFixture.Layouts), MemberType = typeof(NodeFixture))]
    public void Network_comes_from_a_process_of_the_cgroup_without_loopback(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;
        var id = node.BestEffortPath;

        Assert.Equal(123_456_789, Value(samples, "container_network_receive_bytes_total", id, "interface", "eth0"));
        Assert.Equal(98_765, Value(samples, "container_network_receive_packets_total", id, "interface", "eth0"));
        Assert.Equal(1, Value(samples, "container_network_receive_errors_total", id, "interface", "eth0"));
        Assert.Equal(2, Value(samples, "container_network_receive_packets_dropped_total", id, "interface", "eth0"));
        Assert.Equal(987_654_321, Value(samples, "container_network_transmit_bytes_total", id, "interface", "eth0"));
        Assert.Equal(56_789, Value(samples, "container_network_transmit_packets_total", id, "interface", "eth0"));
        Assert.Equal(3, Value(samples, "container_network_transmit_errors_total", id, "interface", "eth0"));
        Assert.Equal(4, Value(samples, "container_network_transmit_packets_dropped_total", id, "interface", "eth0"));
        Assert.Empty(Find(samples, "container_network_receive_bytes_total", id, "interface", "lo"));
        Assert.Empty(Find(samples, "container_network_receive_bytes_total", node.GuaranteedPath, "interface", "eth0"));
    }

    [Theory]
    [InlineData("v1-cgroupfs")]
    [InlineData("v1-systemd-containerd")]
    [InlineData("v1-cgroupfs-joint")]
    public void On_v1_the_node_totals_are_the_root_cgroup(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;

        Assert.Equal(900.0, Value(samples, "container_cpu_usage_seconds_total", "/"));
        Assert.Equal(600.0, Value(samples, "container_cpu_user_seconds_total", "/"));
        Assert.Equal(8_000_000_000, Value(samples, "container_memory_usage_bytes", "/"));
        Assert.Equal(7_000_000_000, Value(samples, "container_memory_working_set_bytes", "/"));
        Assert.Equal(5_000_000_000, Value(samples, "container_memory_rss", "/"));
        Assert.Equal(2_500_000_000, Value(samples, "container_memory_cache", "/"));
        Assert.Equal(0, Value(samples, "container_spec_memory_limit_bytes", "/"));
        Assert.Equal(10_000_000, Value(samples, "container_fs_reads_bytes_total", "/", "device", "/dev/sda"));
        Assert.Equal(["__name__", "id"], Find(samples, "container_cpu_usage_seconds_total", "/")[0].Series.DecodeLabels().Select(l => l.Name));
    }

    [Theory]
    [InlineData("v2-cgroupfs")]
    [InlineData("v2-systemd-containerd")]
    public void On_v2_the_node_totals_take_memory_from_meminfo_because_the_root_has_no_memory_files(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();
        var samples = sink.Last;

        Assert.Equal(900.0, Value(samples, "container_cpu_usage_seconds_total", "/"));
        Assert.Equal(300.0, Value(samples, "container_cpu_system_seconds_total", "/"));
        Assert.Equal((16_384_000L - 8_192_000) * 1024, Value(samples, "container_memory_usage_bytes", "/"));
        Assert.Equal((16_384_000L - 8_192_000 - 1_024_000) * 1024, Value(samples, "container_memory_working_set_bytes", "/"));
        Assert.Equal(4_096_000L * 1024, Value(samples, "container_memory_rss", "/"));
        Assert.Equal(2_048_000L * 1024, Value(samples, "container_memory_cache", "/"));
        Assert.Empty(Find(samples, "container_spec_memory_limit_bytes", "/"));
        Assert.Empty(Find(samples, "container_spec_cpu_quota", "/"));
        Assert.Equal(20_000_000, Value(samples, "container_fs_writes_bytes_total", "/", "device", "/dev/sda"));
    }

    [Theory]
    [InlineData("v2-systemd-containerd")]
    [InlineData("v1-cgroupfs")]
    public void A_container_without_metadata_keeps_its_series_with_the_id_only_and_is_counted(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        var snapshot = new ContainerMetricsCollector(node.Cgroups.Options, sink, new FakeContainerMetadata()).Collect();

        Assert.Equal(4, snapshot.Unenriched);
        var usage = Assert.Single(Find(sink.Last, "container_memory_usage_bytes", node.GuaranteedPath));
        Assert.Equal([new RemoteWriteLabel("__name__", "container_memory_usage_bytes"), new RemoteWriteLabel("id", node.GuaranteedPath)], usage.Series.DecodeLabels());
        Assert.Equal(104_857_600, usage.Value);
        Assert.Equal(ContainerSeries, Series(sink.Last, node.GuaranteedPath));
    }

    [Theory]
    [InlineData("v2-systemd-crio")]
    [InlineData("v1-systemd-containerd")]
    public void A_series_keeps_its_label_array_across_collections_until_its_metadata_changes(string layout)
    {
        using var node = new NodeFixture(layout);
        var sink = new RecordingSampleSink();
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata);

        collector.Collect();
        node.Cgroups.Write(node.GuaranteedPath, "memory", node.Cgroups.Version == CgroupVersion.V2 ? "memory.current" : "memory.usage_in_bytes", "104857700\n");
        collector.Collect();
        node.Metadata.Add(NodeFixture.GuaranteedUid, "shop", "cart-0", NodeFixture.GuaranteedId, "cart", "registry.local/cart:1.5");
        collector.Collect();

        var first = Assert.Single(Find(sink.Batches[0], "container_memory_usage_bytes", node.GuaranteedPath));
        var second = Assert.Single(Find(sink.Batches[1], "container_memory_usage_bytes", node.GuaranteedPath));
        var third = Assert.Single(Find(sink.Batches[2], "container_memory_usage_bytes", node.GuaranteedPath));
        Assert.Equal(first.Series, second.Series);
        Assert.Equal(104_857_700, second.Value);
        Assert.NotEqual(second.Series, third.Series);
        Assert.Equal("registry.local/cart:1.5", Label(third, "image"));
        Assert.Equal(
            Assert.Single(Find(sink.Batches[0], "container_fs_reads_total", node.BurstablePath, "device", "/dev/sda")).Series,
            Assert.Single(Find(sink.Batches[2], "container_fs_reads_total", node.BurstablePath, "device", "/dev/sda")).Series);
        Assert.Equal(sink.Batches[0].Length, sink.Batches[2].Length);
    }

    [Fact]
    public void Metadata_is_asked_again_only_when_its_version_moves()
    {
        using var node = new NodeFixture("v2-cgroupfs");
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, new RecordingSampleSink(), node.Metadata);

        collector.Collect();
        collector.Collect();
        Assert.Equal(4, node.Metadata.Lookups);

        node.Metadata.Add("99999999-0000-0000-0000-000000000000", "other", "pod", "ab", "c", "i");
        collector.Collect();
        Assert.Equal(8, node.Metadata.Lookups);
    }

    [Fact]
    public void A_container_that_went_away_takes_its_series_with_it()
    {
        using var node = new NodeFixture("v2-systemd-containerd");
        var sink = new RecordingSampleSink();
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata);
        collector.Collect();

        Directory.Delete(Path.Combine(node.Cgroups.CgroupRoot, node.BurstablePath.TrimStart('/')), recursive: true);
        var snapshot = collector.Collect();

        Assert.Equal(3, snapshot.Containers.Count);
        Assert.DoesNotContain(sink.Last, s => Label(s, "id") == node.BurstablePath);
        Assert.Equal(ContainerSeries, Series(sink.Last, node.GuaranteedPath));
        Assert.Equal(2, collector.Counters.Collections);
        Assert.Equal(sink.Batches.Sum(b => b.Length), collector.Counters.Samples);
    }

    [Theory]
    [InlineData("v2-systemd-containerd", 4)]
    [InlineData("v1-cgroupfs", 5)]
    public void Missing_files_leave_out_their_series_and_are_counted(string layout, int missing)
    {
        using var node = new NodeFixture(layout);
        var v2 = node.Cgroups.Version == CgroupVersion.V2;
        string[] memoryFiles = v2 ? ["memory.current", "memory.max", "memory.stat"] : ["memory.usage_in_bytes", "memory.limit_in_bytes", "memory.stat"];
        foreach (var file in memoryFiles)
        {
            node.Cgroups.Delete(node.GuaranteedPath, "memory", file);
        }

        node.Cgroups.Delete(node.GuaranteedPath, "cpu", v2 ? "cpu.max" : "cpu.cfs_quota_us");
        if (!v2)
        {
            node.Cgroups.Delete(node.GuaranteedPath, "cpu", "cpu.cfs_period_us");
        }

        var sink = new RecordingSampleSink();
        var snapshot = new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata).Collect();

        Assert.Equal(missing, snapshot.MissingFiles);
        Assert.Equal(0, snapshot.GarbageFiles);
        Assert.Equal(
            ContainerSeries.Where(s => !s.StartsWith("container_memory", StringComparison.Ordinal) && !s.StartsWith("container_spec", StringComparison.Ordinal)),
            Series(sink.Last, node.GuaranteedPath));
        Assert.Equal(5.0, Value(sink.Last, "container_cpu_usage_seconds_total", node.GuaranteedPath));
        Assert.Equal(ContainerSeries, Series(sink.Last, node.SandboxPath));
    }

    [Theory]
    [InlineData("v2-systemd-docker")]
    [InlineData("v1-systemd-containerd")]
    public void Garbage_in_a_file_is_counted_and_the_collection_goes_on(string layout)
    {
        using var node = new NodeFixture(layout);
        var v2 = node.Cgroups.Version == CgroupVersion.V2;
        node.Cgroups.Write(node.GuaranteedPath, "memory", v2 ? "memory.current" : "memory.usage_in_bytes", "banana\n");
        node.Cgroups.Write(node.GuaranteedPath, "memory", "memory.stat", "anon lots\nfile 12\n");
        node.Cgroups.Write(node.GuaranteedPath, "cpu", "cpu.stat", "\0\0\0\u00ff garbage");
        node.Cgroups.Write(node.GuaranteedPath, v2 ? "io" : "blkio", v2 ? "io.stat" : "blkio.throttle.io_service_bytes", "sda lots of bytes\n");
        node.Cgroups.Write(node.BestEffortPath, "cpu", "cgroup.procs", "not-a-pid\n");

        var sink = new RecordingSampleSink();
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, sink, node.Metadata);
        var snapshot = collector.Collect();

        Assert.Equal(5, snapshot.GarbageFiles);
        Assert.Equal(0, collector.Counters.FailedCollections);
        var guaranteed = Series(sink.Last, node.GuaranteedPath);
        Assert.DoesNotContain("container_memory_usage_bytes", guaranteed);
        Assert.DoesNotContain("container_memory_rss", guaranteed);
        Assert.DoesNotContain("container_memory_working_set_bytes", guaranteed);
        Assert.DoesNotContain("container_cpu_cfs_periods_total", guaranteed);
        Assert.DoesNotContain(guaranteed, s => s.StartsWith("container_fs_", StringComparison.Ordinal));
        Assert.Equal(268_435_456, Value(sink.Last, "container_spec_memory_limit_bytes", node.GuaranteedPath));
        Assert.Equal(50_000, Value(sink.Last, "container_spec_cpu_quota", node.GuaranteedPath));
        Assert.Empty(Find(sink.Last, "container_network_receive_bytes_total", node.BestEffortPath, "interface", "eth0"));
        Assert.Equal(ContainerSeries, Series(sink.Last, node.BurstablePath).Where(s => !s.Contains("device=", StringComparison.Ordinal) || s.Contains("/dev/sda", StringComparison.Ordinal)));
        Assert.Equal(7.25, Value(sink.Last, "container_cpu_usage_seconds_total", node.BurstablePath));
    }

    [Fact]
    public void Without_a_cgroup_hierarchy_a_collection_produces_nothing_and_is_counted_as_unavailable_with_the_reason()
    {
        using var dir = new Support.TempDirectory();
        var sink = new RecordingSampleSink();
        var collector = new ContainerMetricsCollector(new ContainerMetricsOptions { CgroupRoot = dir.Path, ProcRoot = dir.Path }, sink);
        Assert.Equal("the first collection has not run yet", collector.UnavailableReason);

        var snapshot = collector.Collect();
        collector.Collect();

        Assert.Equal(CgroupVersion.None, snapshot.Version);
        Assert.Empty(snapshot.Containers);
        Assert.Empty(sink.Batches);
        Assert.Equal(0, collector.Counters.Collections);
        Assert.Equal(2, collector.Counters.UnavailableCollections);
        Assert.Equal(0, collector.Counters.FailedCollections);
        Assert.Equal(CgroupVersion.None, collector.Version);
        Assert.StartsWith($"no cgroup hierarchy at {dir.Path}: mount the host's /sys/fs/cgroup there", collector.UnavailableReason, StringComparison.Ordinal);
    }
}
