namespace Pipeline.Grains.Metrics.Containers;

/// <summary>What a collector did since it started; read from any thread.</summary>
public sealed class ContainerMetricsCounters
{
    private long _collections;
    private long _failedCollections;
    private long _unavailableCollections;
    private long _samples;
    private long _missingFiles;
    private long _unreadableFiles;
    private long _garbageFiles;
    private int _containers;
    private int _unenriched;

    /// <summary>Collections that read the node's cgroups (whatever files they had to skip).</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Collections that stopped on an unexpected error (logged); the next one starts afresh.</summary>
    public long FailedCollections => Interlocked.Read(ref _failedCollections);

    /// <summary>Collections that found no cgroup hierarchy to read (nothing collected; the reason is on the collector).</summary>
    public long UnavailableCollections => Interlocked.Read(ref _unavailableCollections);

    public long Samples => Interlocked.Read(ref _samples);

    public long MissingFiles => Interlocked.Read(ref _missingFiles);

    public long UnreadableFiles => Interlocked.Read(ref _unreadableFiles);

    public long GarbageFiles => Interlocked.Read(ref _garbageFiles);

    /// <summary>Containers found by the last collection.</summary>
    public int Containers => Volatile.Read(ref _containers);

    /// <summary>Containers of the last collection without metadata.</summary>
    public int Unenriched => Volatile.Read(ref _unenriched);

    internal void Record(ContainerNodeSnapshot snapshot)
    {
        Interlocked.Increment(ref _collections);
        Interlocked.Add(ref _samples, snapshot.Samples);
        Interlocked.Add(ref _missingFiles, snapshot.MissingFiles);
        Interlocked.Add(ref _unreadableFiles, snapshot.UnreadableFiles);
        Interlocked.Add(ref _garbageFiles, snapshot.GarbageFiles);
        Volatile.Write(ref _containers, snapshot.Containers.Count);
        Volatile.Write(ref _unenriched, snapshot.Unenriched);
    }

    internal void RecordFailure() => Interlocked.Increment(ref _failedCollections);

    internal void RecordUnavailable()
    {
        Interlocked.Increment(ref _unavailableCollections);
        Volatile.Write(ref _containers, 0);
        Volatile.Write(ref _unenriched, 0);
    }
}
