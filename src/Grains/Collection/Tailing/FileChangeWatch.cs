using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// Tells the loop that drives a <see cref="FileTailer"/> when the watched directories changed, through
/// inotify (<see cref="FileSystemWatcher"/>): files that appeared, vanished or were renamed ask for a
/// rescan now instead of at the next <see cref="TailOptions.RescanInterval"/>; writes wake the loop
/// so appended lines are read at once. Polling stays the fallback, as in fluent-bit: a directory that
/// does not exist yet, an exhausted inotify limit or an overflowed event queue only make the tailer
/// wait for its next timed rescan.
/// </summary>
/// <remarks>
/// Thread-safe: events arrive on the watcher's threads, and only set flags and complete a task.
/// The loop calls <see cref="Arm"/> before each step and waits on <see cref="Changed"/> after it, so an
/// event during the step is never missed.
/// </remarks>
public sealed partial class FileChangeWatch : IDisposable
{
    private readonly ILogger _logger;
    private readonly List<(string Directory, bool Recursive)> _roots;
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedMissing = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _filesChanged;
    private bool _disposed;

    /// <summary>Watches the fixed directory part of each glob in <paramref name="paths"/> (recursively when the glob has wildcard directories).</summary>
    public FileChangeWatch(IEnumerable<string> paths, ILogger<FileChangeWatch> logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _roots = [.. paths.Select(RootOf).Distinct()];
        EnsureWatching();
    }

    /// <summary>Directories watched through inotify right now.</summary>
    public int WatchedDirectories
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Completes at the first change after the last <see cref="Arm"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Starts a new wait: <see cref="Changed"/> completes at the next change from now on.</summary>
    public void Arm()
    {
        lock (_lock)
        {
            if (_changed.Task.IsCompleted)
            {
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>True once since files appeared, vanished or were renamed (or events were lost): a rescan is due now.</summary>
    public bool TakeFilesChanged() => Interlocked.Exchange(ref _filesChanged, 0) == 1;

    /// <summary>Starts watching roots that could not be watched before (they did not exist yet); call it at each timed rescan.</summary>
    public void EnsureWatching()
    {
        foreach (var (directory, recursive) in _roots)
        {
            lock (_lock)
            {
                if (_disposed || _watchers.ContainsKey(directory))
                {
                    continue;
                }
            }

            if (!Directory.Exists(directory))
            {
                if (_reportedMissing.Add(directory))
                {
                    LogDebugDirectoryMissing(_logger, directory);
                }

                continue;
            }

            FileSystemWatcher? watcher = null;
            try
            {
                watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = recursive,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                    InternalBufferSize = 64 * 1024,
                };
                watcher.Created += (_, _) => Signal(filesChanged: true);
                watcher.Deleted += (_, _) => Signal(filesChanged: true);
                watcher.Renamed += (_, _) => Signal(filesChanged: true);
                watcher.Changed += (_, _) => Signal(filesChanged: false);
                watcher.Error += OnError;
                watcher.EnableRaisingEvents = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                // Typically fs.inotify.max_user_instances or max_user_watches reached: polling still finds everything.
                watcher?.Dispose();
                LogWarningWatchFailed(_logger, directory, e.Message);
                _reportedMissing.Add(directory);
                continue;
            }

            lock (_lock)
            {
                if (_disposed)
                {
                    watcher.Dispose();
                    return;
                }

                _watchers[directory] = watcher;
            }

            // Files may have appeared before the watch began.
            Signal(filesChanged: true);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
            _changed.TrySetResult();
        }
    }

    /// <summary>The directory inotify must watch for a glob: its part before the first wildcard, and whether wildcards follow in directories.</summary>
    internal static (string Directory, bool Recursive) RootOf(string glob)
    {
        var directory = Path.GetDirectoryName(glob) ?? "/";
        var segments = directory.Split('/');
        var fixedCount = 0;
        while (fixedCount < segments.Length && segments[fixedCount].IndexOfAny(['*', '?', '[', '{']) < 0)
        {
            fixedCount++;
        }

        var root = string.Join('/', segments, 0, fixedCount);
        return (root.Length == 0 ? "/" : root, fixedCount < segments.Length);
    }

    private void Signal(bool filesChanged)
    {
        if (filesChanged)
        {
            Volatile.Write(ref _filesChanged, 1);
        }

        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
        }

        changed.TrySetResult();
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        // An overflowed queue lost events: rescan to find what they would have said.
        LogWarningEventsLost(_logger, e.GetException().Message);
        Signal(filesChanged: true);
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Debug, Message = "{Directory} does not exist yet: it is polled until it does, then watched")]
    private static partial void LogDebugDirectoryMissing(ILogger logger, string directory);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Cannot watch {Directory} through inotify ({Reason}): new files there are found by the timed rescan only (raise fs.inotify.max_user_instances / max_user_watches)")]
    private static partial void LogWarningWatchFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "File change events were lost ({Reason}): rescanning")]
    private static partial void LogWarningEventsLost(ILogger logger, string reason);
}
