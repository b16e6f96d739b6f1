using System.Globalization;
using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Benchmarks.MetricStore;

/// <summary>
/// Samples shaped like a kubelet's cAdvisor endpoint, 25 series per container, scraped every 15 s with a
/// few ms of jitter, one scrape timestamp per node and round:
/// <list type="bullet">
/// <item>CPU counters in seconds from microsecond counts (usage, user, system, throttled), at a per-container
/// rate (30 % near idle, 60 % moderate, 10 % busy) that varies ±40 % from scrape to scrape;</item>
/// <item>integer counters: CFS periods (+150 a scrape while running), throttled periods (rarely), network bytes
/// received and sent (arbitrary byte counts), file-system bytes written (4 KiB pages, often idle);</item>
/// <item>memory gauges in bytes moving by pages: usage, working set, RSS, cache (random walks, half the
/// scrapes unchanged), mapped file (rarely), max usage (follows the peak), failcnt and swap (0);</item>
/// <item>constants: memory limit, CPU quota, period, shares, start time (seconds with two decimals);</item>
/// <item>small integer gauges: threads, last seen (unix seconds);</item>
/// <item>one arbitrary float gauge per container (an EWMA of random floats, as application exporters expose).</item>
/// </list>
/// Deterministic for a seed.
/// </summary>
internal sealed class CadvisorLikeData
{
    public const int SeriesPerContainer = 25;
    public const long IntervalMs = 15_000;

    private static readonly string[] Names =
    [
        "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total", "container_cpu_system_seconds_total",
        "container_cpu_cfs_throttled_seconds_total", "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total",
        "container_network_receive_bytes_total", "container_network_transmit_bytes_total", "container_fs_writes_bytes_total",
        "container_memory_usage_bytes", "container_memory_working_set_bytes", "container_memory_rss", "container_memory_cache",
        "container_memory_mapped_file", "container_memory_max_usage_bytes", "container_memory_failcnt", "container_memory_swap",
        "container_spec_memory_limit_bytes", "container_spec_cpu_quota", "container_spec_cpu_period", "container_spec_cpu_shares",
        "container_start_time_seconds", "container_threads", "container_last_seen", "container_load_ewma",
    ];

    private static readonly string[] Namespaces = ["shop", "billing", "kube-system", "search", "auth", "monitoring", "ingress", "batch"];

    private readonly Random _random;
    private readonly Container[] _containers;
    private readonly long[] _nodeOffsetMs;

    public CadvisorLikeData(int series, int nodes, long startMs, int seed = 20261125)
    {
        if (series % SeriesPerContainer != 0)
        {
            throw new ArgumentException($"series must be a multiple of {SeriesPerContainer}", nameof(series));
        }

        _random = new Random(seed);
        StartMs = startMs;
        Nodes = nodes;
        _containers = new Container[series / SeriesPerContainer];
        _nodeOffsetMs = new long[nodes];
        for (var n = 0; n < nodes; n++)
        {
            _nodeOffsetMs[n] = _random.NextInt64(0, IntervalMs);
        }

        for (var c = 0; c < _containers.Length; c++)
        {
            _containers[c] = new Container(c, c % nodes, _random);
        }
    }

    public long StartMs { get; }

    public int Nodes { get; }

    public int Series => _containers.Length * SeriesPerContainer;

    /// <summary>Containers of each node, for batches of one scrape.</summary>
    public int ContainersPerNode(int node) => (_containers.Length / Nodes) + (node < _containers.Length % Nodes ? 1 : 0);

    /// <summary>The scrape time of <paramref name="node"/> in <paramref name="round"/>: its slot plus 0–4 ms of jitter.</summary>
    public long ScrapeTimeMs(int round, int node) => StartMs + (round * IntervalMs) + _nodeOffsetMs[node] + _random.Next(0, 5);

    /// <summary>Nodes in the order their scrapes happen within a round.</summary>
    public int[] NodesInScrapeOrder() => [.. Enumerable.Range(0, Nodes).OrderBy(n => _nodeOffsetMs[n])];

    /// <summary>Writes one scrape of <paramref name="node"/>: every series of its containers at one time; returns the count.</summary>
    public int Scrape(int node, long timeMs, RemoteWriteSample[] into)
    {
        var count = 0;
        for (var c = node; c < _containers.Length; c += Nodes)
        {
            count = _containers[c].Scrape(timeMs, _random, into, count);
        }

        return count;
    }

    /// <summary>The value state of one container's 25 series.</summary>
    private sealed class Container
    {
        private readonly RemoteWriteSeries[] _labels = new RemoteWriteSeries[SeriesPerContainer];
        private readonly double _cpuCores;
        private readonly double _networkBytesPerSecond;
        private readonly long _memoryLimit;
        private readonly double _startTime;
        private long _usageMicros;
        private long _userMicros;
        private long _throttledMicros;
        private long _periods;
        private long _throttledPeriods;
        private long _received;
        private long _sent;
        private long _fsWritten;
        private long _workingSet;
        private long _rss;
        private long _cache;
        private long _mapped;
        private long _maxUsage;
        private int _threads;
        private double _ewma;

        public Container(int index, int node, Random random)
        {
            var ns = Namespaces[index % Namespaces.Length];
            var pod = string.Create(CultureInfo.InvariantCulture, $"{ns}-app{index / 3 % 97}-{random.Next(0x10000000):x8}-{random.Next(0x100000):x5}");
            var container = string.Create(CultureInfo.InvariantCulture, $"c{index % 3}");
            var id = string.Create(CultureInfo.InvariantCulture, $"/kubepods/burstable/pod{random.NextInt64():x16}/{random.NextInt64():x16}{random.NextInt64():x16}");
            var instance = string.Create(CultureInfo.InvariantCulture, $"10.0.{node / 250}.{node % 250}:10250");
            for (var s = 0; s < SeriesPerContainer; s++)
            {
                _labels[s] = RemoteWriteSeries.From(
                [
                    new("__name__", Names[s]), new("container", container), new("id", id), new("image", $"registry.local/{ns}/app:1.{index % 7}"),
                    new("instance", instance), new("job", "kubelet"), new("metrics_path", "/metrics/cadvisor"), new("namespace", ns), new("pod", pod),
                ]);
            }

            var kind = random.NextDouble();
            _cpuCores = kind < 0.3 ? 0.001 + (random.NextDouble() * 0.009) : kind < 0.9 ? 0.01 + (random.NextDouble() * 0.29) : 0.3 + (random.NextDouble() * 1.7);
            _networkBytesPerSecond = Math.Pow(10, 2 + (random.NextDouble() * 4));
            _memoryLimit = (1L << random.Next(27, 33)) + (random.Next(0, 4) * 64L * 1024 * 1024);
            _startTime = Math.Round(1_764_000_000 + (random.NextDouble() * 50_000), 2);
            _usageMicros = random.NextInt64(1_000_000, 10_000_000_000);
            _userMicros = _usageMicros * 7 / 10;
            _periods = random.NextInt64(0, 10_000_000);
            _received = random.NextInt64(0, 1L << 36);
            _sent = random.NextInt64(0, 1L << 36);
            _fsWritten = random.NextInt64(0, 1L << 24) * 4096;
            _workingSet = random.NextInt64(2_000, 100_000) * 4096;
            _rss = _workingSet * 8 / 10 / 4096 * 4096;
            _cache = random.NextInt64(0, 50_000) * 4096;
            _mapped = random.NextInt64(0, 5_000) * 4096;
            _maxUsage = _workingSet + _cache;
            _threads = random.Next(1, 200);
            _ewma = random.NextDouble();
        }

        public int Scrape(long timeMs, Random random, RemoteWriteSample[] into, int at)
        {
            var cpuMicros = (long)(_cpuCores * (0.6 + (0.8 * random.NextDouble())) * IntervalMs * 1000);
            _usageMicros += cpuMicros;
            _userMicros += cpuMicros * random.Next(55, 85) / 100;
            var throttling = _cpuCores > 0.3 && random.Next(0, 4) == 0;
            if (throttling)
            {
                _throttledMicros += random.Next(1_000, 500_000);
                _throttledPeriods += random.Next(1, 20);
            }

            _periods += _cpuCores > 0.01 ? 150 : random.Next(0, 3) == 0 ? random.Next(1, 150) : 0;
            _received += (long)(_networkBytesPerSecond * 15 * (0.5 + random.NextDouble()));
            _sent += (long)(_networkBytesPerSecond * 15 * (0.3 + random.NextDouble()));
            if (random.Next(0, 3) == 0)
            {
                _fsWritten += random.Next(1, 64) * 4096L;
            }

            if (random.Next(0, 2) == 0)
            {
                _workingSet = Math.Max(4096, _workingSet + (random.Next(-64, 65) * 4096L));
                _rss = Math.Max(4096, _rss + (random.Next(-48, 49) * 4096L));
            }

            if (random.Next(0, 5) == 0)
            {
                _cache = Math.Max(0, _cache + (random.Next(-256, 257) * 4096L));
            }

            if (random.Next(0, 40) == 0)
            {
                _mapped = Math.Max(0, _mapped + (random.Next(-16, 17) * 4096L));
            }

            if (random.Next(0, 20) == 0)
            {
                _threads = Math.Max(1, _threads + random.Next(-3, 4));
            }

            var usage = _workingSet + _cache;
            _maxUsage = Math.Max(_maxUsage, usage);
            _ewma = (0.8 * _ewma) + (0.2 * random.NextDouble());
            var lastSeen = timeMs / 1000;

            Span<double> values =
            [
                _usageMicros / 1e6, _userMicros / 1e6, (_usageMicros - _userMicros) / 1e6,
                _throttledMicros / 1e6, _periods, _throttledPeriods,
                _received, _sent, _fsWritten,
                usage, _workingSet, _rss, _cache,
                _mapped, _maxUsage, 0, 0,
                _memoryLimit, 200_000, 100_000, 1024,
                _startTime, _threads, lastSeen, _ewma,
            ];
            for (var s = 0; s < SeriesPerContainer; s++)
            {
                into[at++] = new RemoteWriteSample(_labels[s], timeMs, values[s]);
            }

            return at;
        }
    }
}
