namespace Pipeline.Grains.Metrics.Containers;

/// <summary>Files that produced no series, by reason, since the tally was last reset.</summary>
public sealed class CgroupReadTally
{
    /// <summary>Files that were not there (a controller not enabled, a cgroup gone mid-collection).</summary>
    public int MissingFiles { get; internal set; }

    /// <summary>Files that were there but could not be read.</summary>
    public int UnreadableFiles { get; internal set; }

    /// <summary>Files (or fields) whose content was not what the kernel writes.</summary>
    public int GarbageFiles { get; internal set; }

    public void Reset()
    {
        MissingFiles = 0;
        UnreadableFiles = 0;
        GarbageFiles = 0;
    }
}
