using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>
/// The reader on the real cgroup of this test process, whichever version the machine mounts: the
/// kernel's own files, not fixtures. CPU time must be counted and must grow while the test burns CPU.
/// </summary>
public sealed class RealCgroupTests
{
    [Fact]
    public void The_test_process_cgroup_reports_cpu_that_grows_while_it_burns_cpu_and_memory_in_use()
    {
        var layout = CgroupLayout.Detect();
        Assert.NotEqual(CgroupVersion.None, layout.Version);
        var location = CgroupLocation.FromProcCgroup(File.ReadAllText("/proc/self/cgroup"), layout.Version);
        Assert.NotNull(location);
        var reader = new CgroupStatsReader(layout);

        var before = reader.Read(location);
        Assert.True(before.CpuUsageNanoseconds > 0, $"CPU usage of {location.Id}: {before.CpuUsageNanoseconds}");
        Assert.True(before.MemoryUsageBytes > 0, $"memory usage of {location.Id}: {before.MemoryUsageBytes}");
        Assert.True(before.MemoryWorkingSetBytes <= before.MemoryUsageBytes);

        // Spin until the counter moves (v2 counts microseconds, v1 nanoseconds), bounded by rounds, not by time.
        var after = before;
        var checksum = 0UL;
        for (var round = 0; round < 100_000 && after.CpuUsageNanoseconds <= before.CpuUsageNanoseconds; round++)
        {
            checksum += Burn(200_000, (ulong)round);
            after = reader.Read(location);
        }

        Assert.NotEqual(0UL, checksum | 1UL);
        Assert.True(after.CpuUsageNanoseconds > before.CpuUsageNanoseconds, $"CPU usage stayed at {before.CpuUsageNanoseconds} ns");
        Assert.Equal(0, reader.Tally.GarbageFiles);
    }

    [Fact]
    public void The_host_cpu_clock_and_memory_are_read_from_the_real_proc()
    {
        var reader = new CgroupStatsReader(CgroupLayout.Detect());

        Assert.True(reader.TryReadHostCpu(out var nanoseconds, out var cpus));
        Assert.True(nanoseconds > 0);
        Assert.True(cpus >= 1);
        Assert.True(reader.ReadHostMemory() > 0);
    }

    private static ulong Burn(int iterations, ulong seed)
    {
        var x = seed | 1;
        for (var i = 0; i < iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }
}
