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

        // Burn CPU until the kernel's own account of this process (getrusage) grew by 100 ms, bounded by rounds,
        // not by time. The cgroup holds this process, so its counter must grow by at least that much: a unit
        // mistake (v2 counts microseconds, v1 nanoseconds) would be off by a factor of a thousand.
        var burned = TimeSpan.Zero;
        var processBefore = Environment.CpuUsage.TotalTime;
        for (var round = 0; round < 100_000 && burned < TimeSpan.FromMilliseconds(100); round++)
        {
            Sink = Burn(200_000, (ulong)round);
            burned = Environment.CpuUsage.TotalTime - processBefore;
        }

        var after = reader.Read(location);
        Assert.True(burned >= TimeSpan.FromMilliseconds(100), $"burned only {burned.TotalMilliseconds} ms of CPU");
        var counted = TimeSpan.FromTicks((after.CpuUsageNanoseconds!.Value - before.CpuUsageNanoseconds!.Value) / 100);
        // Kernel accounting lags by up to a scheduler tick per CPU: allow a fifth less, far from a unit error.
        Assert.True(counted >= burned * 0.8, $"the cgroup counted {counted.TotalMilliseconds} ms of CPU while this process alone used {burned.TotalMilliseconds} ms");
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

    /// <summary>Where each round's result goes, so the compiler cannot drop the loop that computes it.</summary>
    private static ulong Sink { get; set; }

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
