namespace Pipeline.Grains.Configuration;

/// <summary>A <c>tail</c> input, in fluent-bit's vocabulary.</summary>
public sealed class TailInputConfig
{
    public const long DefaultMaxLineSize = 256 * 1024;
    public const long DefaultMemBufLimit = 64L * 1024 * 1024;
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRotateWait = TimeSpan.FromSeconds(5);

    public List<string> Paths { get; init; } = [];
    public List<string> ExcludePaths { get; init; } = [];

    /// <summary>Files found at start-up without a checkpoint are read from their start (true) or end (false).</summary>
    public bool ReadFromHead { get; init; }

    /// <summary>How often the globs are matched again to find new and rotated files.</summary>
    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    /// <summary>How long a rotated-away file is kept open after it was read to its end.</summary>
    public TimeSpan RotateWait { get; init; } = DefaultRotateWait;

    /// <summary>Longer lines are cut to this size, marked and counted; the file keeps being followed.</summary>
    public long MaxLineSize { get; init; } = DefaultMaxLineSize;

    /// <summary>Bytes read but not yet acknowledged by the store; reading pauses at this limit.</summary>
    public long MemBufLimit { get; init; } = DefaultMemBufLimit;

    /// <summary>
    /// Notice new, rotated and deleted files and appends through inotify at once (fluent-bit's
    /// <c>inotify_watcher</c>); the timed rescan stays as the fallback either way.
    /// </summary>
    public bool InotifyWatcher { get; init; } = true;

    /// <summary>Exit the process (status 0) once every file is read to its end and every record acknowledged.</summary>
    public bool ExitOnEof { get; init; }
}
