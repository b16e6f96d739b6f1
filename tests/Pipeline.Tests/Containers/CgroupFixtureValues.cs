namespace Pipeline.Tests.Containers;

/// <summary>
/// The counters a fixture cgroup holds, in v2's units; <see cref="CgroupFixture"/> writes them in each
/// version's own files and units (v1: nanoseconds, clock ticks, -1 and a page-rounded maximum for "none").
/// </summary>
internal sealed record CgroupFixtureValues
{
    public long UsageUsec { get; init; } = 5_000_000;
    public long UserUsec { get; init; } = 3_000_000;
    public long SystemUsec { get; init; } = 2_000_000;
    public long Periods { get; init; } = 400;
    public long Throttled { get; init; } = 25;
    public long ThrottledUsec { get; init; } = 1_500_000;

    /// <summary>CFS quota in µs; null for none.</summary>
    public long? QuotaUsec { get; init; } = 50_000;
    public long PeriodUsec { get; init; } = 100_000;
    public long MemoryUsage { get; init; } = 104_857_600;

    /// <summary>Memory limit; null for none.</summary>
    public long? MemoryLimit { get; init; } = 268_435_456;
    public long Rss { get; init; } = 62_914_560;
    public long Cache { get; init; } = 31_457_280;
    public long InactiveFile { get; init; } = 10_485_760;

    /// <summary>io.stat lines as (major, minor, rbytes, wbytes, rios, wios).</summary>
    public IReadOnlyList<(int Major, int Minor, long ReadBytes, long WriteBytes, long Reads, long Writes)> Io { get; init; } =
        [(8, 0, 4096, 8192, 2, 3)];

    /// <summary>A process of the cgroup, whose /proc/&lt;pid&gt;/net/dev the fixture writes if <see cref="NetDev"/> is set.</summary>
    public int? Pid { get; init; }

    public string? NetDev { get; init; }
}
