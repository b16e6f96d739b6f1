using System.Text;
using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>The cgroupfs and procfs formats, read exactly, and garbage refused without throwing.</summary>
public sealed class CgroupFileParserTests
{
    [Theory]
    [InlineData("max 100000\n", 0L, 100_000L)]
    [InlineData("150000 100000\n", 150_000L, 100_000L)]
    [InlineData("  50000 20000", 50_000L, 20_000L)]
    public void Cpu_max_reads_quota_and_period_with_max_as_zero(string text, long quota, long period)
    {
        Assert.True(CgroupFileParser.TryParseCpuMax(Bytes(text), out var q, out var p));
        Assert.Equal((quota, period), (q, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("max")]
    [InlineData("max max")]
    [InlineData("12 ab")]
    public void Cpu_max_refuses_garbage(string text) => Assert.False(CgroupFileParser.TryParseCpuMax(Bytes(text), out _, out _));

    [Fact]
    public void Limits_read_max_as_the_largest_value()
    {
        Assert.True(CgroupFileParser.TryParseLimit(Bytes("max\n"), out var max));
        Assert.Equal(long.MaxValue, max);
        Assert.True(CgroupFileParser.TryParseLimit(Bytes("268435456\n"), out var limit));
        Assert.Equal(268_435_456, limit);
        Assert.False(CgroupFileParser.TryParseLimit(Bytes("lots\n"), out _));
        Assert.False(CgroupFileParser.TryParseSingle(Bytes("\n"), out _));
        Assert.False(CgroupFileParser.TryParseSingle(Bytes("12 13"), out _));
    }

    [Fact]
    public void A_keyed_file_finds_whole_keys_only()
    {
        var text = Bytes("file 10\nfile_mapped 20\ninactive_file 30\nanon 40\n");

        Assert.Equal(KeyedValue.Found, CgroupFileParser.TryGetKeyed(text, "file"u8, out var file));
        Assert.Equal(10, file);
        Assert.Equal(KeyedValue.Found, CgroupFileParser.TryGetKeyed(text, "inactive_file"u8, out var inactive));
        Assert.Equal(30, inactive);
        Assert.Equal(KeyedValue.Missing, CgroupFileParser.TryGetKeyed(text, "active_file"u8, out _));
        Assert.True(CgroupFileParser.IsFlatKeyed(text));
        Assert.False(CgroupFileParser.IsFlatKeyed(Bytes("file ten\n")));
        Assert.False(CgroupFileParser.IsFlatKeyed(Bytes("")));
        Assert.Equal(KeyedValue.Garbage, CgroupFileParser.TryGetKeyed(Bytes("anon x\n"), "anon"u8, out _));
    }

    [Fact]
    public void Io_stat_reads_each_device_by_name()
    {
        var names = new BlockDeviceNames();
        names.Load(Bytes("major minor  #blocks  name\n\n   8        0  976762584 sda\n"));
        var devices = new List<BlockDeviceStats>();

        Assert.True(CgroupFileParser.TryParseIoStat(Bytes("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n253:1 rbytes=10 wbytes=20 rios=30 wios=40\n"), names, devices));

        Assert.Equal([new BlockDeviceStats("/dev/sda", 1, 2, 3, 4), new BlockDeviceStats("253:1", 10, 20, 30, 40)], devices);
        Assert.False(CgroupFileParser.TryParseIoStat(Bytes("8:0 rbytes=x\n"), names, devices));
    }

    [Fact]
    public void Blkio_reads_read_and_write_per_device_and_skips_the_totals()
    {
        var perDevice = new Dictionary<(int Major, int Minor), (long Read, long Write)>();

        Assert.True(CgroupFileParser.TryParseBlkio(Bytes("8:0 Read 100\n8:0 Write 200\n8:0 Sync 300\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 300\n8:16 Read 7\nTotal 307\n"), perDevice));

        Assert.Equal((100, 200), perDevice[(8, 0)]);
        Assert.Equal((7, 0), perDevice[(8, 16)]);
        Assert.False(CgroupFileParser.TryParseBlkio(Bytes("8:0 Read many\n"), perDevice));
    }

    [Fact]
    public void Proc_stat_counts_user_through_softirq_and_the_cpus()
    {
        var text = CgroupFixture.ProcStat(100, 20, 30, 1000, 5, 6, 7, cpus: 3, steal: 999);

        Assert.True(CgroupFileParser.TryParseProcStat(Bytes(text), out var ticks, out var cpus));

        Assert.Equal(100 + 20 + 30 + 1000 + 5 + 6 + 7, ticks);
        Assert.Equal(3, cpus);
        Assert.False(CgroupFileParser.TryParseProcStat(Bytes("intr 1 2 3\n"), out _, out _));
        Assert.False(CgroupFileParser.TryParseProcStat(Bytes("cpu  1 2 x 4 5 6 7\ncpu0 1\n"), out _, out _));
    }

    [Fact]
    public void Meminfo_values_are_bytes()
    {
        var text = Bytes("MemTotal:       16384000 kB\nMemFree:         8192000 kB\nHugePages_Total:       0\n");

        Assert.Equal(KeyedValue.Found, CgroupFileParser.TryGetMeminfo(text, "MemTotal"u8, out var total));
        Assert.Equal(16_384_000L * 1024, total);
        Assert.Equal(KeyedValue.Found, CgroupFileParser.TryGetMeminfo(text, "HugePages_Total"u8, out var pages));
        Assert.Equal(0, pages);
        Assert.Equal(KeyedValue.Missing, CgroupFileParser.TryGetMeminfo(text, "MemAvailable"u8, out _));
    }

    [Fact]
    public void The_first_pid_of_cgroup_procs_or_none()
    {
        Assert.True(CgroupFileParser.TryParseFirstPid(Bytes("4242\n4243\n"), out var pid));
        Assert.Equal(4242, pid);
        Assert.True(CgroupFileParser.TryParseFirstPid(Bytes(""), out var none));
        Assert.Equal(0, none);
        Assert.False(CgroupFileParser.TryParseFirstPid(Bytes("pid\n"), out _));
    }

    [Fact]
    public void Net_dev_with_a_short_line_is_garbage()
    {
        var interfaces = new List<NetworkInterfaceStats>();

        Assert.False(CgroupFileParser.TryParseNetDev(Bytes("eth0: 1 2 3\n"), interfaces));
        Assert.True(CgroupFileParser.TryParseNetDev(Bytes("veth12ab: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), interfaces));
        Assert.Equal([new NetworkInterfaceStats("eth1", 1, 2, 3, 4, 9, 10, 11, 12)], interfaces);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
