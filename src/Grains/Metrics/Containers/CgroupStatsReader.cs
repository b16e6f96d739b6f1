using System.Runtime.InteropServices;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Reads one cgroup's CPU, memory, block I/O and network counters from the files of either cgroup version,
/// the files runc and cAdvisor read, and turns them to nanoseconds and bytes. A missing, unreadable or
/// garbled file leaves its values null and is counted in <see cref="Tally"/>; nothing is thrown, so one
/// odd container never stops a node's collection. Not thread-safe (one reused read buffer).
/// </summary>
public sealed class CgroupStatsReader
{
    /// <summary>Where Linux mounts procfs.</summary>
    public const string DefaultProcRoot = "/proc";

    // cpuacct.stat counts USER_HZ ticks; Linux fixes USER_HZ at 100 on every architecture Kubernetes runs on.
    private const long NanosecondsPerTick = 10_000_000;

    private readonly CgroupFileReader _files = new();
    private readonly BlockDeviceNames _devices = new();
    private readonly List<BlockDeviceStats> _blockScratch = [];
    private readonly Dictionary<(int Major, int Minor), (long Read, long Write)> _blkioBytes = [];
    private readonly Dictionary<(int Major, int Minor), (long Read, long Write)> _blkioOps = [];
    private readonly List<NetworkInterfaceStats> _networkScratch = [];

    // A cgroup's file paths are the same every collection: joined once, kept while the cgroup is read
    // (a collection marks what it used; EndCollection forgets the rest, so exited containers do not pile up).
    private readonly Dictionary<(string Directory, string File), (string Path, long Generation)> _filePaths = [];
    private readonly Dictionary<(string Controller, string Cgroup), (string? Path, long Generation)> _directories = [];
    private readonly List<(string, string)> _stale = [];
    private readonly string _partitionsPath;
    private readonly string _statPath;
    private readonly string _meminfoPath;
    private long _generation;

    public CgroupStatsReader(CgroupLayout layout, string procRoot = DefaultProcRoot)
    {
        Layout = layout;
        ProcRoot = procRoot;
        _partitionsPath = Path.Join(procRoot, "partitions");
        _statPath = Path.Join(procRoot, "stat");
        _meminfoPath = Path.Join(procRoot, "meminfo");
        RefreshDeviceNames();
    }

    public CgroupLayout Layout { get; }

    public string ProcRoot { get; }

    /// <summary>Files that produced nothing since the last <see cref="CgroupReadTally.Reset"/>.</summary>
    public CgroupReadTally Tally { get; } = new();

    /// <summary>Reads <c>/proc/partitions</c> again, for the <c>device</c> label of block I/O.</summary>
    public void RefreshDeviceNames()
    {
        if (_files.Read(_partitionsPath, out var content) == CgroupFileStatus.Ok)
        {
            _devices.Load(content);
        }
    }

    /// <summary>The stats of the cgroup at <paramref name="location"/>; <see cref="CgroupStats.Empty"/> when no version was detected.</summary>
    public CgroupStats Read(CgroupLocation location) => Layout.Version switch
    {
        CgroupVersion.V2 => ReadV2(location),
        CgroupVersion.V1 => ReadV1(location),
        _ => CgroupStats.Empty,
    };

    /// <summary>Starts a collection: paths used from now on are kept by the next <see cref="EndCollection"/>.</summary>
    public void BeginCollection() => _generation++;

    /// <summary>Forgets the paths of cgroups not read since <see cref="BeginCollection"/>.</summary>
    public void EndCollection()
    {
        _stale.Clear();
        foreach (var (key, entry) in _filePaths)
        {
            if (entry.Generation != _generation)
            {
                _stale.Add(key);
            }
        }

        foreach (var key in _stale)
        {
            _filePaths.Remove(key);
        }

        _stale.Clear();
        foreach (var (key, entry) in _directories)
        {
            if (entry.Generation != _generation)
            {
                _stale.Add(key);
            }
        }

        foreach (var key in _stale)
        {
            _directories.Remove(key);
        }
    }

    /// <summary>The host's CPU time (docker's <c>system_cpu_usage</c>, in nanoseconds) and online CPUs, from <c>/proc/stat</c>.</summary>
    public bool TryReadHostCpu(out long nanoseconds, out int cpus)
    {
        nanoseconds = 0;
        cpus = 0;
        if (!ReadFile(_statPath, out var content))
        {
            return false;
        }

        if (!CgroupFileParser.TryParseProcStat(content, out var ticks, out cpus))
        {
            Tally.GarbageFiles++;
            return false;
        }

        nanoseconds = ticks * NanosecondsPerTick;
        return true;
    }

    /// <summary>The host's memory (<c>MemTotal</c>), what docker stats shows as the limit of an unlimited container.</summary>
    public long? ReadHostMemory()
    {
        if (!ReadFile(_meminfoPath, out var content))
        {
            return null;
        }

        return Meminfo(content, "MemTotal"u8);
    }

    private CgroupStats ReadV2(CgroupLocation location)
    {
        var dir = Directory("cpu", location.Id)!;
        var root = location.Id == "/";
        long? usage = null, user = null, system = null, periods = null, throttled = null, throttledTime = null;
        if (ReadKeyedFile(FilePath(dir, "cpu.stat"), out var content))
        {
            usage = Keyed(content, "usage_usec"u8) * 1000;
            user = Keyed(content, "user_usec"u8) * 1000;
            system = Keyed(content, "system_usec"u8) * 1000;
            periods = Keyed(content, "nr_periods"u8);
            throttled = Keyed(content, "nr_throttled"u8);
            throttledTime = Keyed(content, "throttled_usec"u8) * 1000;
        }

        // The root cgroup has no cpu.max, memory.current or memory.max: the node is not limited by a cgroup.
        long? quota = null, period = null;
        if (!root && ReadFile(FilePath(dir, "cpu.max"), out content))
        {
            if (CgroupFileParser.TryParseCpuMax(content, out var q, out var p))
            {
                quota = q;
                period = p;
            }
            else
            {
                Tally.GarbageFiles++;
            }
        }

        long? memory = null, limit = null, rss = null, cache = null, inactiveFile = null;
        if (!root)
        {
            memory = Single(FilePath(dir, "memory.current"), limit: false);
            limit = Single(FilePath(dir, "memory.max"), limit: true);
            if (ReadKeyedFile(FilePath(dir, "memory.stat"), out content))
            {
                rss = Keyed(content, "anon"u8);
                cache = Keyed(content, "file"u8);
                inactiveFile = Keyed(content, "inactive_file"u8);
            }
        }
        else if (ReadFile(_meminfoPath, out content))
        {
            // The root has no memory files on v2: the machine's memory in use (MemTotal - MemFree) and its split from /proc/meminfo.
            var total = Meminfo(content, "MemTotal"u8);
            var free = Meminfo(content, "MemFree"u8);
            memory = total - free;
            rss = Meminfo(content, "AnonPages"u8);
            cache = Meminfo(content, "Cached"u8);
            inactiveFile = Meminfo(content, "Inactive(file)"u8);
        }

        _blockScratch.Clear();
        if (ReadFile(FilePath(dir, "io.stat"), out content) && !CgroupFileParser.TryParseIoStat(content, _devices, _blockScratch))
        {
            Tally.GarbageFiles++;
            _blockScratch.Clear();
        }

        return new CgroupStats
        {
            CpuUsageNanoseconds = usage,
            CpuUserNanoseconds = user,
            CpuSystemNanoseconds = system,
            CfsPeriods = periods,
            CfsThrottledPeriods = throttled,
            CfsThrottledNanoseconds = throttledTime,
            CpuQuotaMicroseconds = quota,
            CpuPeriodMicroseconds = period,
            MemoryUsageBytes = memory,
            MemoryLimitBytes = limit,
            MemoryRssBytes = rss,
            MemoryCacheBytes = cache,
            MemoryInactiveFileBytes = inactiveFile,
            BlockDevices = _blockScratch.Count == 0 ? [] : [.. _blockScratch],
            NetworkInterfaces = ReadNetwork(dir),
        };
    }

    private CgroupStats ReadV1(CgroupLocation location)
    {
        long? usage = null, user = null, system = null, periods = null, throttled = null, throttledTime = null;
        long? quota = null, period = null;
        if (Directory("cpuacct", location.PathFor("cpuacct")) is { } cpuacct)
        {
            usage = Single(FilePath(cpuacct, "cpuacct.usage"), limit: false);
            if (ReadKeyedFile(FilePath(cpuacct, "cpuacct.stat"), out var content))
            {
                user = Keyed(content, "user"u8) * NanosecondsPerTick;
                system = Keyed(content, "system"u8) * NanosecondsPerTick;
            }
        }

        var cpu = Directory("cpu", location.PathFor("cpu"));
        if (cpu is not null)
        {
            if (ReadKeyedFile(FilePath(cpu, "cpu.stat"), out var content))
            {
                periods = Keyed(content, "nr_periods"u8);
                throttled = Keyed(content, "nr_throttled"u8);
                throttledTime = Keyed(content, "throttled_time"u8);
            }

            // -1 is "no quota"; cAdvisor keeps 0 for that.
            if (Single(FilePath(cpu, "cpu.cfs_quota_us"), limit: false) is { } q)
            {
                quota = q < 0 ? 0 : q;
            }

            period = Single(FilePath(cpu, "cpu.cfs_period_us"), limit: false);
        }

        long? memory = null, limit = null, rss = null, cache = null, inactiveFile = null;
        var memoryDir = Directory("memory", location.PathFor("memory"));
        if (memoryDir is not null)
        {
            memory = Single(FilePath(memoryDir, "memory.usage_in_bytes"), limit: false);
            limit = Single(FilePath(memoryDir, "memory.limit_in_bytes"), limit: false);
            if (ReadKeyedFile(FilePath(memoryDir, "memory.stat"), out var content))
            {
                rss = Keyed(content, "total_rss"u8);
                cache = Keyed(content, "total_cache"u8);
                inactiveFile = Keyed(content, "total_inactive_file"u8);
            }
        }

        IReadOnlyList<BlockDeviceStats> block = [];
        if (Directory("blkio", location.PathFor("blkio")) is { } blkio)
        {
            block = ReadBlkio(blkio);
        }

        return new CgroupStats
        {
            CpuUsageNanoseconds = usage,
            CpuUserNanoseconds = user,
            CpuSystemNanoseconds = system,
            CfsPeriods = periods,
            CfsThrottledPeriods = throttled,
            CfsThrottledNanoseconds = throttledTime,
            CpuQuotaMicroseconds = quota,
            CpuPeriodMicroseconds = period,
            MemoryUsageBytes = memory,
            MemoryLimitBytes = limit,
            MemoryRssBytes = rss,
            MemoryCacheBytes = cache,
            MemoryInactiveFileBytes = inactiveFile,
            BlockDevices = block,
            NetworkInterfaces = ReadNetwork(cpu ?? memoryDir),
        };
    }

    private IReadOnlyList<BlockDeviceStats> ReadBlkio(string dir)
    {
        _blkioBytes.Clear();
        _blkioOps.Clear();
        // Bytes and operations come from two files; when either is garbled, a device's series would mix a real
        // count with a made-up 0, so the cgroup reports no block I/O this time.
        var garbled = false;
        if (ReadFile(FilePath(dir, "blkio.throttle.io_service_bytes"), out var content) && !CgroupFileParser.TryParseBlkio(content, _blkioBytes))
        {
            Tally.GarbageFiles++;
            garbled = true;
        }

        if (ReadFile(FilePath(dir, "blkio.throttle.io_serviced"), out content) && !CgroupFileParser.TryParseBlkio(content, _blkioOps))
        {
            Tally.GarbageFiles++;
            garbled = true;
        }

        if (garbled || (_blkioBytes.Count == 0 && _blkioOps.Count == 0))
        {
            return [];
        }

        var devices = new List<BlockDeviceStats>(_blkioBytes.Count);
        foreach (var (device, bytes) in _blkioBytes)
        {
            _blkioOps.TryGetValue(device, out var ops);
            devices.Add(new BlockDeviceStats(_devices.Name(device.Major, device.Minor), bytes.Read, bytes.Write, ops.Read, ops.Write));
        }

        foreach (var (device, ops) in _blkioOps)
        {
            if (!_blkioBytes.ContainsKey(device))
            {
                devices.Add(new BlockDeviceStats(_devices.Name(device.Major, device.Minor), 0, 0, ops.Read, ops.Write));
            }
        }

        // Dictionary order is not an order anyone can rely on; series and rows come out by device.
        devices.Sort(static (a, b) => string.CompareOrdinal(a.Device, b.Device));
        return devices;
    }

    // As cAdvisor: the network namespace of a process in the cgroup; a cgroup without processes has none to report.
    private IReadOnlyList<NetworkInterfaceStats> ReadNetwork(string? dir)
    {
        if (dir is null || !ReadFile(FilePath(dir, "cgroup.procs"), out var content))
        {
            return [];
        }

        if (!CgroupFileParser.TryParseFirstPid(content, out var pid))
        {
            Tally.GarbageFiles++;
            return [];
        }

        if (pid == 0 || !ReadFile(Path.Join(ProcRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "net", "dev"), out content))
        {
            return [];
        }

        _networkScratch.Clear();
        if (!CgroupFileParser.TryParseNetDev(content, _networkScratch))
        {
            Tally.GarbageFiles++;
            return [];
        }

        return _networkScratch.Count == 0 ? [] : [.. _networkScratch];
    }

    private string? Directory(string controller, string cgroup)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_directories, (controller, cgroup), out var exists);
        if (!exists)
        {
            entry.Path = Layout.Directory(controller, cgroup);
        }

        entry.Generation = _generation;
        return entry.Path;
    }

    private string FilePath(string directory, string file)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_filePaths, (directory, file), out var exists);
        if (!exists)
        {
            entry.Path = Path.Join(directory, file);
        }

        entry.Generation = _generation;
        return entry.Path;
    }

    private bool ReadFile(string path, out ReadOnlySpan<byte> content)
    {
        switch (_files.Read(path, out content))
        {
            case CgroupFileStatus.Ok:
                return true;
            case CgroupFileStatus.Missing:
                Tally.MissingFiles++;
                return false;
            default:
                Tally.UnreadableFiles++;
                return false;
        }
    }

    // A keyed file with a line that is not "<key> <integer>" is garbled as a whole: none of its values is trusted.
    private bool ReadKeyedFile(string path, out ReadOnlySpan<byte> content)
    {
        if (!ReadFile(path, out content))
        {
            return false;
        }

        if (!CgroupFileParser.IsFlatKeyed(content))
        {
            Tally.GarbageFiles++;
            content = default;
            return false;
        }

        return true;
    }

    private long? Single(string path, bool limit)
    {
        if (!ReadFile(path, out var content))
        {
            return null;
        }

        var ok = limit ? CgroupFileParser.TryParseLimit(content, out var value) : CgroupFileParser.TryParseSingle(content, out value);
        if (!ok)
        {
            Tally.GarbageFiles++;
            return null;
        }

        return value;
    }

    // A key a kernel does not write (nr_periods without CFS, a new memory.stat field) is no problem; a value that is not a number is.
    private long? Keyed(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key)
    {
        switch (CgroupFileParser.TryGetKeyed(content, key, out var value))
        {
            case KeyedValue.Found:
                return value;
            case KeyedValue.Garbage:
                Tally.GarbageFiles++;
                return null;
            default:
                return null;
        }
    }

    private long? Meminfo(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key)
    {
        switch (CgroupFileParser.TryGetMeminfo(content, key, out var value))
        {
            case KeyedValue.Found:
                return value;
            case KeyedValue.Garbage:
                Tally.GarbageFiles++;
                return null;
            default:
                return null;
        }
    }
}
