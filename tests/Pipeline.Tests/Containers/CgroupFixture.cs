using System.Globalization;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Containers;

/// <summary>
/// A node's cgroup tree and procfs under a temp directory, written as the kernel writes them, for either
/// version; v1 with cpu and cpuacct apart or together (<c>cpu,cpuacct</c>).
/// </summary>
internal sealed class CgroupFixture : IDisposable
{
    /// <summary>What a v1 kernel writes as the limit of a cgroup without one (long.MaxValue rounded down to a page).</summary>
    public const long V1Unlimited = 9_223_372_036_854_771_712;

    private readonly TempDirectory _dir = new("cgroup-fixture");

    public CgroupFixture(CgroupVersion version, bool jointCpu = false)
    {
        Version = version;
        JointCpu = jointCpu;
        CgroupRoot = _dir.Combine("cgroup");
        ProcRoot = _dir.Combine("proc");
        Directory.CreateDirectory(CgroupRoot);
        Directory.CreateDirectory(ProcRoot);
        if (version == CgroupVersion.V2)
        {
            File.WriteAllText(Path.Combine(CgroupRoot, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        }
        else
        {
            foreach (var controller in (string[])[jointCpu ? "cpu,cpuacct" : "cpu", jointCpu ? "" : "cpuacct", "memory", "blkio", "pids"])
            {
                if (controller.Length > 0)
                {
                    Directory.CreateDirectory(Path.Combine(CgroupRoot, controller));
                }
            }
        }

        WriteProc("stat", ProcStat(1000, 0, 500, 8500, 0, 0, 0, cpus: 4));
        WriteProc("meminfo", "MemTotal:       16384000 kB\nMemFree:         8192000 kB\nMemAvailable:   12000000 kB\nCached:          2048000 kB\nAnonPages:       4096000 kB\nInactive(file):  1024000 kB\n");
        WriteProc("partitions", "major minor  #blocks  name\n\n   8        0  976762584 sda\n   8        1     524288 sda1\n 259        0  500107608 nvme0n1\n");
    }

    public CgroupVersion Version { get; }

    public bool JointCpu { get; }

    public string CgroupRoot { get; }

    public string ProcRoot { get; }

    public ContainerMetricsOptions Options => new() { Enabled = true, CgroupRoot = CgroupRoot, ProcRoot = ProcRoot };

    /// <summary>A /proc/stat with the given aggregate ticks and <paramref name="cpus"/> cpuN lines.</summary>
    public static string ProcStat(long user, long nice, long system, long idle, long iowait, long irq, long softirq, int cpus, long steal = 0)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"cpu  {user} {nice} {system} {idle} {iowait} {irq} {softirq} {steal} 0 0\n");
        for (var i = 0; i < cpus; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"cpu{i} {user / cpus} {nice / cpus} {system / cpus} {idle / cpus} 0 0 0 0 0 0\n");
        }

        text.Append("intr 12345 0 0 0\nctxt 98765\nbtime 1700000000\nprocesses 4242\n");
        return text.ToString();
    }

    public void WriteProc(string relative, string content)
    {
        var path = Path.Combine(ProcRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Writes <paramref name="file"/> of cgroup <paramref name="cgroup"/> in <paramref name="controller"/>'s hierarchy (v2: the one hierarchy).</summary>
    public void Write(string cgroup, string controller, string file, string content)
    {
        var directory = DirectoryOf(cgroup, controller);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, file), content);
    }

    /// <summary>Creates the directory of <paramref name="cgroup"/> in every hierarchy, with no files.</summary>
    public void Create(string cgroup)
    {
        foreach (var controller in Controllers)
        {
            Directory.CreateDirectory(DirectoryOf(cgroup, controller));
        }
    }

    public void Delete(string cgroup, string controller, string file) => File.Delete(Path.Combine(DirectoryOf(cgroup, controller), file));

    /// <summary>Writes every file a container cgroup has, in this fixture's version.</summary>
    public void Cgroup(string cgroup, CgroupFixtureValues values)
    {
        Create(cgroup);
        var io = values.Io;
        if (Version == CgroupVersion.V2)
        {
            Write(cgroup, "cpu", "cpu.stat", $"usage_usec {values.UsageUsec}\nuser_usec {values.UserUsec}\nsystem_usec {values.SystemUsec}\ncore_sched.force_idle_usec 0\nnr_periods {values.Periods}\nnr_throttled {values.Throttled}\nthrottled_usec {values.ThrottledUsec}\nnr_bursts 0\nburst_usec 0\n");
            Write(cgroup, "cpu", "cpu.max", $"{(values.QuotaUsec is { } q ? q.ToString(CultureInfo.InvariantCulture) : "max")} {values.PeriodUsec}\n");
            Write(cgroup, "memory", "memory.current", $"{values.MemoryUsage}\n");
            Write(cgroup, "memory", "memory.max", values.MemoryLimit is { } limit ? $"{limit}\n" : "max\n");
            Write(cgroup, "memory", "memory.stat", $"anon {values.Rss}\nfile {values.Cache}\nkernel 1234\nkernel_stack 65536\nsock 0\nshmem 0\nfile_mapped 777\nanon_thp 0\ninactive_anon 1\nactive_anon 2\ninactive_file {values.InactiveFile}\nactive_file 3\nunevictable 0\npgfault 1000\n");
            Write(cgroup, "io", "io.stat", string.Concat(io.Select(d => $"{d.Major}:{d.Minor} rbytes={d.ReadBytes} wbytes={d.WriteBytes} rios={d.Reads} wios={d.Writes} dbytes=0 dios=0\n")));
        }
        else
        {
            Write(cgroup, "cpuacct", "cpuacct.usage", $"{values.UsageUsec * 1000}\n");
            Write(cgroup, "cpuacct", "cpuacct.stat", $"user {values.UserUsec / 10_000}\nsystem {values.SystemUsec / 10_000}\n");
            Write(cgroup, "cpu", "cpu.stat", $"nr_periods {values.Periods}\nnr_throttled {values.Throttled}\nthrottled_time {values.ThrottledUsec * 1000}\n");
            Write(cgroup, "cpu", "cpu.cfs_quota_us", $"{values.QuotaUsec ?? -1}\n");
            Write(cgroup, "cpu", "cpu.cfs_period_us", $"{values.PeriodUsec}\n");
            Write(cgroup, "memory", "memory.usage_in_bytes", $"{values.MemoryUsage}\n");
            Write(cgroup, "memory", "memory.limit_in_bytes", $"{values.MemoryLimit ?? V1Unlimited}\n");
            // The cgroup's own (non-total) counters differ on purpose: cAdvisor reads the hierarchical totals.
            Write(cgroup, "memory", "memory.stat", $"cache 11\nrss 22\nrss_huge 0\nshmem 0\nmapped_file 0\ninactive_file 33\nactive_file 44\nhierarchical_memory_limit {values.MemoryLimit ?? V1Unlimited}\ntotal_cache {values.Cache}\ntotal_rss {values.Rss}\ntotal_rss_huge 0\ntotal_mapped_file 777\ntotal_inactive_anon 1\ntotal_active_anon 2\ntotal_inactive_file {values.InactiveFile}\ntotal_active_file 3\n");
            Write(cgroup, "blkio", "blkio.throttle.io_service_bytes", Blkio(io.Select(d => (d.Major, d.Minor, d.ReadBytes, d.WriteBytes))));
            Write(cgroup, "blkio", "blkio.throttle.io_serviced", Blkio(io.Select(d => (d.Major, d.Minor, d.Reads, d.Writes))));
        }

        if (values.Pid is { } pid)
        {
            Write(cgroup, "cpu", "cgroup.procs", $"{pid}\n{pid + 1}\n");
            if (values.NetDev is { } netDev)
            {
                WriteProc(Path.Combine(pid.ToString(CultureInfo.InvariantCulture), "net", "dev"), netDev);
            }
        }
        else
        {
            Write(cgroup, "cpu", "cgroup.procs", "");
        }
    }

    public void Dispose() => _dir.Dispose();

    private IEnumerable<string> Controllers => Version == CgroupVersion.V2
        ? ["cpu"]
        : JointCpu ? ["cpu", "memory", "blkio", "pids"] : ["cpu", "cpuacct", "memory", "blkio", "pids"];

    private string DirectoryOf(string cgroup, string controller)
    {
        var relative = cgroup.TrimStart('/');
        if (Version == CgroupVersion.V2)
        {
            return Path.Combine(CgroupRoot, relative);
        }

        var top = JointCpu && controller is "cpu" or "cpuacct" ? "cpu,cpuacct" : controller;
        return Path.Combine(CgroupRoot, top, relative);
    }

    private static string Blkio(IEnumerable<(int Major, int Minor, long Read, long Write)> devices)
    {
        var text = new System.Text.StringBuilder();
        long total = 0;
        foreach (var (major, minor, read, write) in devices)
        {
            text.Append(CultureInfo.InvariantCulture, $"{major}:{minor} Read {read}\n{major}:{minor} Write {write}\n{major}:{minor} Sync {read + write}\n{major}:{minor} Async 0\n{major}:{minor} Discard 0\n{major}:{minor} Total {read + write}\n");
            total += read + write;
        }

        text.Append(CultureInfo.InvariantCulture, $"Total {total}\n");
        return text.ToString();
    }
}
