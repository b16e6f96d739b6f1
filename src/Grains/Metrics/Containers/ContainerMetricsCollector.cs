using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Scraping;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// One node's container resource metrics, the engine behind the node collector's periodic collection: it
/// detects the cgroup version, finds the containers of the node's pods, reads their cgroups and the root's,
/// names them through <see cref="IContainerMetadata"/>, and hands cAdvisor's series to the sink the
/// scrapers use. It keeps the last two snapshots for docker stats. A collection never throws: files that
/// cannot be read are counted, and an unexpected failure is logged and counted.
/// </summary>
public sealed class ContainerMetricsCollector
{
    private readonly object _gate = new();
    private readonly ContainerMetricsOptions _options;
    private readonly IScrapeSampleSink _sink;
    private readonly IContainerMetadata? _metadata;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CadvisorSampleWriter _writer = new();
    private readonly List<KubepodsCgroup> _found = [];
    private Dictionary<string, (long Version, ContainerMetadata? Metadata)> _known = new(StringComparer.Ordinal);
    private CgroupStatsReader? _reader;
    private bool _warnedNoCgroups;
    private ContainerNodeSnapshot? _latest;
    private ContainerNodeSnapshot? _previous;

    public ContainerMetricsCollector(ContainerMetricsOptions options, IScrapeSampleSink sink, IContainerMetadata? metadata = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _options = options;
        _sink = sink;
        _metadata = metadata;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public ContainerMetricsCounters Counters { get; } = new();

    /// <summary>The last snapshot and the one before it (null until there are two): what docker stats compares.</summary>
    public (ContainerNodeSnapshot? Previous, ContainerNodeSnapshot? Latest) Snapshots
    {
        get
        {
            lock (_gate)
            {
                return (_previous, _latest);
            }
        }
    }

    /// <summary>The cgroup version found (detected at the first collection, again while none is found).</summary>
    public CgroupVersion Version => _reader?.Layout.Version ?? CgroupVersion.None;

    /// <summary>Why nothing is collected (no cgroup hierarchy where <c>cgroup_root</c> points, no collection yet); null while collecting.</summary>
    public string? UnavailableReason => _reader switch
    {
        null => "the first collection has not run yet",
        { Layout: { Version: CgroupVersion.None } layout } =>
            $"no cgroup hierarchy at {layout.Root}: mount the host's /sys/fs/cgroup there (read-only), or set containers.cgroup_root to where it is",
        _ => null,
    };

    /// <summary>Collects once, writes the samples to the sink and returns the snapshot. Call from one thread at a time (the collection timer).</summary>
    public ContainerNodeSnapshot Collect()
    {
        try
        {
            var snapshot = CollectOnce();
            if (snapshot.Version == CgroupVersion.None)
            {
                Counters.RecordUnavailable();
            }
            else
            {
                Counters.Record(snapshot);
            }

            lock (_gate)
            {
                _previous = _latest;
                _latest = snapshot;
            }

            return snapshot;
        }
        catch (Exception e)
        {
            Counters.RecordFailure();
            ContainerMetricsLog.LogErrorCollectionFailed(_logger, e);
            return ContainerNodeSnapshot.Empty;
        }
    }

    /// <summary>
    /// Collects now and then every <see cref="ContainerMetricsOptions.Interval"/> (on the injected clock) until
    /// cancelled. The files are read synchronously, so callers run this off any scheduler they care about.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Collect();
            try
            {
                await Task.Delay(_options.Interval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private ContainerNodeSnapshot CollectOnce()
    {
        var reader = Reader();
        var now = _time.GetUtcNow();
        if (reader.Layout.Version == CgroupVersion.None)
        {
            return new ContainerNodeSnapshot { Time = now };
        }

        reader.Tally.Reset();
        reader.BeginCollection();
        reader.RefreshDeviceNames();
        reader.TryReadHostCpu(out var hostCpu, out var cpus);
        var hostMemory = reader.ReadHostMemory();
        var node = reader.Read(CgroupLocation.Root);

        _found.Clear();
        var skipped = KubepodsWalker.Walk(reader.Layout.WalkRoot!, _found);
        var containers = new ContainerCgroupStats[_found.Count];
        var version = _metadata?.Version ?? 0;
        var known = new Dictionary<string, (long Version, ContainerMetadata? Metadata)>(_found.Count, StringComparer.Ordinal);
        var unenriched = 0;
        for (var i = 0; i < _found.Count; i++)
        {
            var cgroup = _found[i];
            if (!_known.TryGetValue(cgroup.Id, out var entry) || entry.Version != version)
            {
                entry = (version, _metadata?.Find(cgroup.PodUid, cgroup.ContainerId));
            }

            known[cgroup.Id] = entry;
            if (entry.Metadata is not { Container.Length: > 0 })
            {
                unenriched++;
            }

            containers[i] = new ContainerCgroupStats(cgroup, entry.Metadata, reader.Read(new CgroupLocation(cgroup.Id)));
        }

        _known = known;
        reader.EndCollection();
        _writer.Begin(now.ToUnixTimeMilliseconds());
        _writer.Add(CgroupLocation.Root.Id, null, node);
        foreach (var container in containers)
        {
            _writer.Add(container.Cgroup.Id, container.Metadata, container.Stats);
        }

        var samples = _writer.End();
        if (!samples.IsEmpty)
        {
            _sink.Append(samples);
        }

        var snapshot = new ContainerNodeSnapshot
        {
            Time = now,
            Version = reader.Layout.Version,
            HostCpuNanoseconds = cpus > 0 ? hostCpu : null,
            OnlineCpus = cpus,
            HostMemoryBytes = hostMemory,
            Node = node,
            Containers = containers,
            Unenriched = unenriched,
            Skipped = skipped,
            MissingFiles = reader.Tally.MissingFiles,
            UnreadableFiles = reader.Tally.UnreadableFiles,
            GarbageFiles = reader.Tally.GarbageFiles,
            Samples = samples.Length,
        };
        ContainerMetricsLog.LogDebugCollected(
            _logger, containers.Length, unenriched, skipped, samples.Length, snapshot.MissingFiles, snapshot.UnreadableFiles, snapshot.GarbageFiles);
        return snapshot;
    }

    private CgroupStatsReader Reader()
    {
        if (_reader is { Layout.Version: not CgroupVersion.None } ready)
        {
            return ready;
        }

        var layout = CgroupLayout.Detect(_options.CgroupRoot);
        _reader = new CgroupStatsReader(layout, _options.ProcRoot);
        if (layout.Version != CgroupVersion.None)
        {
            ContainerMetricsLog.LogInformationDetected(_logger, layout.Version, layout.Root);
        }
        else if (!_warnedNoCgroups)
        {
            _warnedNoCgroups = true;
            ContainerMetricsLog.LogWarningNoCgroups(_logger, layout.Root);
        }

        return _reader;
    }
}
