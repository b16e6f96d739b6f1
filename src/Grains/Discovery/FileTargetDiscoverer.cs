using System.IO.Enumeration;
using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// <c>file_sd_configs</c>: reads every file its patterns match into target groups (source
/// <c>path:index</c>, label <c>__meta_filepath</c>). A file that cannot be read or parsed keeps its
/// last good groups and sets <see cref="ITargetDiscoverer.Error"/>, as in Prometheus; a file that
/// is gone drops its groups. Unlike Prometheus, which stays silent, a file named without wildcards
/// that does not exist, or a directory that does not, is an error too: a typo in a path must not
/// look like a job with no targets. Errors are counted (<c>pipeline_sd_file_read_errors_total</c>)
/// at each refresh and logged when they change. Files are re-read when their directory reports a
/// change and every refresh interval, in case a change notification was missed.
/// </summary>
internal sealed class FileTargetDiscoverer : RefreshingTargetDiscoverer
{
    private readonly FileDiscoveryConfig _config;
    private readonly DiscoveryContext _context;
    private readonly ILogger _logger;
    private readonly (string Directory, string Pattern)[] _patterns;
    private readonly Dictionary<string, List<TargetGroup>> _lastGood = new(StringComparer.Ordinal);
    private Dictionary<string, string> _loggedErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly object _watchersGate = new();
    private bool _watchersClosed;

    public FileTargetDiscoverer(FileDiscoveryConfig config, DiscoveryContext context)
        : base(config.RefreshInterval, context.Time)
    {
        _config = config;
        _context = context;
        _logger = context.Loggers.CreateLogger<FileTargetDiscoverer>();
        _patterns = [.. config.Files.Select(f => Path.GetFullPath(f)).Select(f => (Path.GetDirectoryName(f) ?? "/", Path.GetFileName(f)))];
    }

    protected override Task RefreshAsync(CancellationToken cancellationToken)
    {
        WatchDirectories();
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var errors = new List<(string Path, string Message)>();
        foreach (var (directory, pattern) in _patterns)
        {
            if (!Directory.Exists(directory))
            {
                errors.Add((Path.Combine(directory, pattern), $"directory {directory} does not exist"));
                continue;
            }

            if (pattern.AsSpan().IndexOfAny('*', '?') < 0 && !File.Exists(Path.Combine(directory, pattern)))
            {
                errors.Add((Path.Combine(directory, pattern), "no such file"));
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(file), ignoreCase: false))
                {
                    files.Add(file);
                }
            }
        }

        foreach (var gone in _lastGood.Keys.Where(f => !files.Contains(f)).ToList())
        {
            _lastGood.Remove(gone);
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                _lastGood[file] = Read(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                if (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    _lastGood.Remove(file); // deleted between the listing and the read
                    continue;
                }

                errors.Add((file, ex.Message));
            }
        }

        Report(errors);
        var groups = new List<TargetGroup>();
        foreach (var (_, fileGroups) in _lastGood.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            groups.AddRange(fileGroups);
        }

        if (Feed.Publish(groups))
        {
            DiscoveryLog.LogDebugRefreshed(_logger, _context.JobName, FileDiscoveryConfig.Key, groups.Count);
        }

        return Task.CompletedTask;
    }

    /// <summary>Sets the discovery error, counts each error of this refresh, and logs those that are new or changed.</summary>
    private void Report(List<(string Path, string Message)> errors)
    {
        var logged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, message) in errors)
        {
            _context.Metrics?.FileReadError(_context.JobName);
            if (!_loggedErrors.TryGetValue(path, out var before) || before != message)
            {
                DiscoveryLog.LogWarningFileFailed(_logger, _context.JobName, path, message);
            }

            logged[path] = message;
        }

        _loggedErrors = logged;
        Feed.Error = errors.Count == 0 ? null : string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"));
    }

    private static List<TargetGroup> Read(string file)
    {
        if (file.EndsWith(".json", StringComparison.Ordinal))
        {
            return TargetGroupFormat.ParseJson(File.ReadAllBytes(file), file, DiscoveryConstants.MetaFilepath);
        }

        return TargetGroupFormat.ParseYaml(File.ReadAllText(file), file, DiscoveryConstants.MetaFilepath);
    }

    // A directory that does not exist yet is watched from the first refresh that finds it.
    private void WatchDirectories()
    {
        lock (_watchersGate)
        {
            foreach (var (directory, _) in _patterns)
            {
                if (_watchersClosed || _watchers.ContainsKey(directory) || !Directory.Exists(directory))
                {
                    continue;
                }

                try
                {
                    var watcher = new FileSystemWatcher(directory)
                    {
                        IncludeSubdirectories = false,
                        NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    };
                    watcher.Changed += (_, _) => Wake();
                    watcher.Created += (_, _) => Wake();
                    watcher.Deleted += (_, _) => Wake();
                    watcher.Renamed += (_, _) => Wake();
                    watcher.Error += (_, _) => Wake();
                    watcher.EnableRaisingEvents = true;
                    _watchers[directory] = watcher;
                }
                catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    DiscoveryLog.LogWarningNoWatcher(_logger, _context.JobName, directory, ex.Message);
                }
            }
        }
    }

    protected override void DisposeCore()
    {
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
            _watchersClosed = true;
        }
    }
}
