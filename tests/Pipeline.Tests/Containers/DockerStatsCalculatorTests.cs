using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>The docker stats table from two collections, with docker's arithmetic and exact numbers.</summary>
public sealed class DockerStatsCalculatorTests
{
    [Theory]
    [InlineData("v2-systemd-containerd")]
    [InlineData("v1-cgroupfs")]
    public void Cpu_percent_is_the_containers_share_of_host_cpu_time_times_the_cpus(string layout)
    {
        using var node = new NodeFixture(layout);
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, new RecordingSampleSink(), node.Metadata);
        var first = collector.Collect();

        // 400 more host ticks on 4 CPUs (steal is not docker's host time): one second of wall time.
        node.Cgroups.WriteProc("stat", CgroupFixture.ProcStat(1200, 0, 600, 8600, 0, 0, 0, cpus: 4, steal: 50));
        node.Cgroups.Cgroup(node.GuaranteedPath, NodeFixture.Guaranteed with { UsageUsec = 5_500_000 });
        node.Cgroups.Cgroup(node.BurstablePath, NodeFixture.Burstable with { UsageUsec = 8_250_000 });
        var second = collector.Collect();
        Assert.Equal((first, second), collector.Snapshots);

        var rows = DockerStatsCalculator.Compute(first, second, "worker-1");

        Assert.Equal(["batch/report-x2/report", "shop/cart-0/", "shop/cart-0/cart", "shop/web-7d9f/nginx"], rows.Select(r => $"{r.Namespace}/{r.Pod}/{r.Container}"));
        var cart = rows.Single(r => r.Container == "cart");
        Assert.Equal("worker-1", cart.Node);
        Assert.Equal(NodeFixture.GuaranteedId, cart.ContainerId);
        Assert.Equal("registry.local/cart:1.4", cart.Image);
        Assert.Equal(50.0, cart.CpuPercent!.Value, 10);
        Assert.Equal(94_371_840, cart.MemoryUsageBytes);
        Assert.Equal(268_435_456, cart.MemoryLimitBytes);
        Assert.Equal(35.15625, cart.MemoryPercent!.Value, 10);
        Assert.Equal(4096, cart.BlockReadBytes);
        Assert.Equal(8192, cart.BlockWriteBytes);
        Assert.Equal(0, cart.NetworkReceiveBytes);

        var nginx = rows.Single(r => r.Container == "nginx");
        Assert.Equal(100.0, nginx.CpuPercent!.Value, 10);
        // Inactive file cache (60 MB) not below usage (50 MB): docker shows usage (cAdvisor's working set says 0).
        Assert.Equal(50_000_000, nginx.MemoryUsageBytes);
        Assert.Equal(50_000_000 * 100.0 / 536_870_912, nginx.MemoryPercent!.Value, 10);
        Assert.Equal(1_048_576 + 512 + 5, nginx.BlockReadBytes);
        Assert.Equal(2_097_152 + 1024 + 6, nginx.BlockWriteBytes);

        // No limit: docker shows the host's memory as the limit.
        var report = rows.Single(r => r.Container == "report");
        Assert.Equal(0.0, report.CpuPercent);
        Assert.Equal(19_922_944, report.MemoryUsageBytes);
        Assert.Equal(16_384_000L * 1024, report.MemoryLimitBytes);
        Assert.Equal(0.11875, report.MemoryPercent!.Value, 10);
        Assert.Equal(123_456_789, report.NetworkReceiveBytes);
        Assert.Equal(987_654_321, report.NetworkTransmitBytes);
    }

    [Fact]
    public void A_container_seen_once_has_no_cpu_percent_yet()
    {
        using var node = new NodeFixture("v2-cgroupfs");
        var collector = new ContainerMetricsCollector(node.Cgroups.Options, new RecordingSampleSink(), node.Metadata);
        var first = collector.Collect();
        var newcomer = node.ContainerPath(PodQosClass.Burstable, NodeFixture.BurstableUid, "c0" + new string('c', 62));
        node.Cgroups.Cgroup(newcomer, NodeFixture.Burstable);
        var second = collector.Collect();

        var rows = DockerStatsCalculator.Compute(first, second);

        var row = rows.Single(r => r.ContainerId.StartsWith("c0", StringComparison.Ordinal));
        Assert.Null(row.CpuPercent);
        Assert.Equal(50_000_000, row.MemoryUsageBytes);
        Assert.Equal(5, rows.Count);
        Assert.All(DockerStatsCalculator.Compute(null, second), r => Assert.Null(r.CpuPercent));
    }

    [Fact]
    public void A_limit_above_the_hosts_memory_shows_the_hosts_memory()
    {
        using var node = new NodeFixture("v1-systemd-containerd");
        node.Cgroups.Cgroup(node.GuaranteedPath, NodeFixture.Guaranteed with { MemoryLimit = 64L << 40 });
        var snapshot = new ContainerMetricsCollector(node.Cgroups.Options, new RecordingSampleSink(), node.Metadata).Collect();

        var cart = DockerStatsCalculator.Compute(null, snapshot).Single(r => r.Container == "cart");

        Assert.Equal(16_384_000L * 1024, cart.MemoryLimitBytes);
    }

    [Theory]
    [InlineData(1_000_000_000L, 1_250_000_000L, 2_000_000_000L, 8, 100.0)]
    [InlineData(0L, 500_000_000L, 4_000_000_000L, 2, 25.0)]
    [InlineData(5L, 5L, 4_000_000_000L, 2, 0.0)]
    [InlineData(9L, 5L, 4_000_000_000L, 2, 0.0)]
    [InlineData(5L, 9L, 0L, 2, 0.0)]
    public void Cpu_percent_is_docker_arithmetic(long before, long after, long hostDelta, int cpus, double expected)
    {
        Assert.Equal(expected, DockerStatsCalculator.CpuPercent(before, after, hostDelta, cpus));
    }

    [Fact]
    public void Cpu_percent_needs_both_samples_and_the_host_clock()
    {
        Assert.Null(DockerStatsCalculator.CpuPercent(null, 5, 10, 2));
        Assert.Null(DockerStatsCalculator.CpuPercent(5, null, 10, 2));
        Assert.Null(DockerStatsCalculator.CpuPercent(5, 9, null, 2));
        Assert.Null(DockerStatsCalculator.CpuPercent(5, 9, 10, 0));
    }
}
