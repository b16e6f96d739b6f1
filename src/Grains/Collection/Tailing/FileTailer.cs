using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// Follows the files matching <see cref="TailOptions.Paths"/> across rename rotation, copytruncate and
/// deletion, hands out whole lines with their offsets, and keeps durable checkpoints of what the
/// caller says was acknowledged. Not thread-safe: the node collector drives it from its one thread,
/// calling <see cref="Rescan"/> every <see cref="TailOptions.RescanInterval"/>, <see cref="Read"/>
/// on each file, <see cref="Commit"/> after acknowledgements and <see cref="FlushCheckpoints"/>.
/// </summary>
/// <remarks>
/// Rotation, truncation and deletion are noticed by <see cref="Rescan"/>: until then the old file
/// keeps being read, so nothing is lost, only the successor waits. The caller rescans on a timer and,
/// sooner, when <see cref="FileChangeWatch"/> reports that files appeared or vanished (inotify).
/// A file is followed from the first rescan that finds it, empty or not, with a checkpoint at once.
/// </remarks>
public sealed partial class FileTailer : IDisposable
{
    /// <summary>Smallest read issued even when the caller's byte budget is nearly spent.</summary>
    private const int MinReadBytes = 16 * 1024;

    private readonly TailOptions _options;
    private readonly CheckpointStore _checkpoints;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly GlobPattern[] _paths;
    private readonly GlobPattern[] _excludes;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private readonly List<TailedFile> _files = [];
    private readonly Dictionary<string, TailedFile> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<FileIdentity, TailedFile> _byIdentity = [];
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly FileTimeClock _fileClock;
    private DateTimeOffset? _lastRescanAt;
    private DateTimeOffset? _lastRescanFileTime;

    public FileTailer(TailOptions options, CheckpointStore checkpoints, TimeProvider timeProvider, ILogger<FileTailer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new TailOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(TailOptions), typeof(TailOptions), validation.Failures);
        }

        _options = options;
        _checkpoints = checkpoints;
        _timeProvider = timeProvider;
        _logger = logger;
        _paths = [.. options.Paths.Select(GlobPattern.Parse)];
        _excludes = [.. options.ExcludePaths.Select(GlobPattern.Parse)];
        _maxLineBytes = options.MaxLineBytes;
        _buffer = new byte[Math.Max(options.ReadBufferBytes, options.MaxLineBytes + 1)];
        _fileClock = new FileTimeClock(checkpoints.DatabasePath + ".clock", timeProvider);
    }

    /// <summary>Files open for reading, in the order they were opened. Stable between two rescans.</summary>
    public IReadOnlyList<TailedFile> Files => _files;

    /// <summary>Followed files that have no complete first line yet (their key is provisional).</summary>
    public int FilesWaitingForFirstLine
    {
        get
        {
            var count = 0;
            foreach (var file in _files)
            {
                if (!file.HasKey)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>How far before the moment its path was last seen a sibling's inode change time may lie and still count as rotated unseen.</summary>
    public static readonly TimeSpan SiblingClockSlack = TimeSpan.FromSeconds(2);

    /// <summary>True when every file was read to its end as last seen, and rotated-out files have nothing left.</summary>
    public bool AllAtEof
    {
        get
        {
            foreach (var file in _files)
            {
                if (!file.AtEof || (file.IsRotatedOut && !file.IsFullyRead))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>True when <see cref="TailOptions.RescanInterval"/> passed since the last <see cref="Rescan"/>.</summary>
    public bool IsRescanDue => _lastRescanAt is not { } last || _timeProvider.GetUtcNow() - last >= _options.RescanInterval;

    /// <summary>Files opened for reading (new files, successors after rotation, truncated files anew).</summary>
    public long FilesOpened { get; private set; }

    /// <summary>Files whose path came to name another file, or nothing, while open (rename rotation, deletion).</summary>
    public long Rotations { get; private set; }

    /// <summary>Files found truncated in place (copytruncate).</summary>
    public long Truncations { get; private set; }

    /// <summary>Truncations whose lost lines were read from the copy left beside the file.</summary>
    public long CopytruncateRescues { get; private set; }

    /// <summary>
    /// True when a read found a file's content replaced under it (copytruncate, then new lines past our
    /// position): the caller should rescan now rather than at the next interval. Cleared by <see cref="Rescan"/>.
    /// </summary>
    public bool RescanWanted { get; private set; }

    /// <summary>Rotated files found beside a log that no rescan had seen at its path (several rotations between two rescans, or while the collector was down).</summary>
    public long UnseenGenerationsFound { get; private set; }

    /// <summary>Lines longer than <see cref="TailOptions.MaxLineBytes"/>, handed out cut.</summary>
    public long LinesTruncated { get; private set; }

    /// <summary>
    /// Finds matching files and notices what happened to the followed ones: opens new files, ends
    /// files whose path now names another file or nothing, handles copytruncate, closes ended files
    /// that are read, committed and past <see cref="TailOptions.RotateWait"/>, and forgets old checkpoints.
    /// </summary>
    public void Rescan()
    {
        var now = _timeProvider.GetUtcNow();
        var previousRescan = _lastRescanAt;
        var startup = previousRescan is null;
        _lastRescanAt = now;

        // Moments compared with files' change times are read off the file system's clock.
        var fileNow = _fileClock.Now();
        var previousFileNow = _lastRescanFileTime ?? fileNow;
        _lastRescanFileTime = fileNow;
        RescanWanted = false;

        var matched = new List<string>();
        foreach (var pattern in _paths)
        {
            matched.AddRange(pattern.EnumerateMatches());
        }

        matched.Sort(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in matched)
        {
            if (seen.Contains(path) || IsExcluded(path) || !FileStat.TryGet(path, out var stat) || !stat.IsRegularFile)
            {
                continue;
            }

            seen.Add(path);
            if (_byPath.TryGetValue(path, out var followed))
            {
                if (followed.HandleIdentity == stat.Identity)
                {
                    if (!CheckForTruncation(followed, now))
                    {
                        continue;
                    }
                }
                else
                {
                    _byPath.Remove(path);
                    EndFile(followed, now, deleted: IsUnlinked(followed));
                    Rotations++;
                    LogInformationRotated(_logger, path, followed.FileKey, followed.Position);
                }
            }

            if (IsOpen(stat.Identity) || _byPath.ContainsKey(path))
            {
                continue;
            }

            if (_options.IgnoreOlderThan is { } maxAge && now - stat.ModifiedAt > maxAge)
            {
                continue;
            }

            // A predecessor we have a checkpoint for means this file appeared while we were away: read all of it.
            // After start-up, a new file may come with siblings rotated away since the last rescan, never seen.
            var hasPredecessor = FollowRotatedWhileAway(path, now, startup ? null : _lastSeen.GetValueOrDefault(path, previousFileNow));
            Open(path, stat.Identity, now, fileNow, startup, fromHead: !startup || _options.ReadFromHead || hasPredecessor);
        }

        FollowEarlierCopies(now);
        EndVanished(seen, now);
        RefreshSizes();
        CloseFinished(now);
        ForgetGoneCheckpoints();
        RememberSeen(seen, fileNow);
    }

    /// <summary>
    /// Notes when each path was last seen naming a file: the generations rotated away from it since
    /// then are the ones no rescan saw, however long the path stayed missing between two of them.
    /// </summary>
    private void RememberSeen(HashSet<string> seen, DateTimeOffset now)
    {
        foreach (var path in seen)
        {
            _lastSeen[path] = now;
        }

        if (_lastSeen.Count > seen.Count * 2 + 64)
        {
            foreach (var (path, at) in _lastSeen.ToList())
            {
                if (now - at > _options.ForgetCheckpointsAfter)
                {
                    _lastSeen.Remove(path);
                }
            }
        }
    }

    /// <summary>
    /// Reads whole lines from the file's position and hands them to <paramref name="sink"/>, stopping
    /// at the end of the file or once about <paramref name="maxBytes"/> were consumed (at least one
    /// line goes out when one is there). An unterminated last line waits for its newline, unless the
    /// file was rotated out or deleted and <see cref="TailOptions.RotateWait"/> passed: then it goes out
    /// as it is. Returns the bytes consumed, skipped parts of over-long lines included.
    /// </summary>
    public int Read(TailedFile file, ILineSink sink, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var handle = file.Handle;
        if (handle is null || file.IsClosed || file.ContentReplaced)
        {
            return 0;
        }

        if (!file.HasKey && !TryCompleteKey(file, handle))
        {
            // No complete first line: nothing can be handed out yet.
            file.AtEof = true;
            return 0;
        }

        var start = file.Progress;
        var limit = start + maxBytes;
        var buffer = _buffer;
        var lineStart = file.Position;
        var filled = 0;
        var atEof = false;
        // A file read in place (not a copytruncate copy) may be emptied and written again under us.
        var verify = file.HasKey && file.HandleIdentity == file.Identity;
        while (file.Progress < limit)
        {
            if (file.OverlongLineStart >= 0)
            {
                if (!SkipOverlongLine(file, handle, sink, limit, ref atEof))
                {
                    break;
                }

                lineStart = file.Position;
                filled = 0;
                continue;
            }

            var budget = limit - file.Progress - filled;
            var want = (int)Math.Min(buffer.Length - filled, Math.Max(budget, MinReadBytes));
            var readAt = lineStart + filled;
            var read = RandomAccess.Read(handle, buffer.AsSpan(filled, want), readAt);
            if (verify && read > 0 && !StartsAsKeyed(handle, file))
            {
                // Before handing out bytes just read, make sure they are still this file's: after copytruncate
                // and new writes they would be the middle of the next generation. The copy has ours.
                file.ContentReplaced = true;
                file.AtEof = true;
                RescanWanted = true;
                LogInformationContentReplaced(_logger, file.Path, file.FileKey, readAt);
                return (int)(file.Progress - start);
            }

            // pread on a regular file returns fewer bytes than asked only at the end of the file.
            atEof = read < want;
            if (atEof)
            {
                file.Size = readAt + read;
            }

            filled += read;
            var consumed = HandOutLines(file, sink, buffer.AsSpan(0, filled), lineStart, limit);
            var rest = filled - consumed;
            lineStart += consumed;
            if (file.Progress >= limit)
            {
                atEof = atEof && rest == 0;
                break;
            }

            if (rest > _maxLineBytes)
            {
                file.OverlongLineStart = lineStart;
                file.OverlongScanOffset = lineStart + rest;
                continue;
            }

            if (atEof)
            {
                if (rest > 0 && IsPastRotateWait(file))
                {
                    file.Position = lineStart + rest;
                    sink.OnLine(file, buffer.AsSpan(consumed, rest), lineStart, lineStart + rest, truncated: false);
                }

                break;
            }

            buffer.AsSpan(consumed, rest).CopyTo(buffer);
            filled = rest;
        }

        file.AtEof = atEof;
        return (int)(file.Progress - start);
    }

    /// <summary>
    /// Records that every line of <paramref name="file"/> before <paramref name="offset"/> was
    /// acknowledged. The checkpoint is staged; <see cref="FlushCheckpoints"/> writes it.
    /// Offsets lower than one already committed are ignored.
    /// </summary>
    public void Commit(TailedFile file, long offset)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.IsClosed || offset <= file.CommittedOffset)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, file.Position);
        file.CommittedOffset = offset;
        StageCheckpoint(file, offset);
    }

    /// <summary>Writes the staged checkpoints in one transaction; returns how many.</summary>
    public int FlushCheckpoints() => _checkpoints.Flush();

    /// <summary>Closes every file. Staged checkpoints are not flushed: call <see cref="FlushCheckpoints"/> first.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Handle?.Dispose();
            file.Handle = null;
            file.IsClosed = true;
        }

        _files.Clear();
        _byPath.Clear();
        _byIdentity.Clear();
        _fileClock.Dispose();
    }

    private int HandOutLines(TailedFile file, ILineSink sink, ReadOnlySpan<byte> data, long dataOffset, long limit)
    {
        var position = 0;
        while (true)
        {
            var length = data[position..].IndexOf((byte)'\n');
            if (length < 0)
            {
                return position;
            }

            var offset = dataOffset + position;
            var next = offset + length + 1;

            // Position moves first, so a sink may commit the line it is handed.
            file.Position = next;
            if (length > _maxLineBytes)
            {
                sink.OnLine(file, data.Slice(position, _maxLineBytes), offset, next, truncated: true);
                CountTruncatedLine(file, offset, length);
            }
            else
            {
                sink.OnLine(file, data.Slice(position, length), offset, next, truncated: false);
            }

            position += length + 1;
            if (next >= limit)
            {
                return position;
            }
        }
    }

    /// <summary>
    /// Looks for the end of an over-long line without keeping it: true once it was handed out
    /// (its first <see cref="TailOptions.MaxLineBytes"/> bytes, read again from the file).
    /// </summary>
    private bool SkipOverlongLine(TailedFile file, SafeFileHandle handle, ILineSink sink, long limit, ref bool atEof)
    {
        while (true)
        {
            var read = RandomAccess.Read(handle, _buffer, file.OverlongScanOffset);
            var newline = _buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                HandOutOverlongLine(file, handle, sink, file.OverlongScanOffset + newline + 1);
                return true;
            }

            file.OverlongScanOffset += read;
            if (read < _buffer.Length)
            {
                atEof = true;
                file.Size = file.OverlongScanOffset;
                if (IsPastRotateWait(file))
                {
                    HandOutOverlongLine(file, handle, sink, file.OverlongScanOffset);
                    return true;
                }

                return false;
            }

            if (file.OverlongScanOffset >= limit)
            {
                return false;
            }
        }
    }

    private void HandOutOverlongLine(TailedFile file, SafeFileHandle handle, ILineSink sink, long next)
    {
        var start = file.OverlongLineStart;
        var head = _buffer.AsSpan(0, _maxLineBytes);
        var length = 0;
        while (length < head.Length)
        {
            var read = RandomAccess.Read(handle, head[length..], start + length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        file.Position = next;
        file.OverlongLineStart = -1;
        sink.OnLine(file, head[..length], start, next, truncated: true);
        CountTruncatedLine(file, start, next - start);
    }

    private void CountTruncatedLine(TailedFile file, long offset, long length)
    {
        LinesTruncated++;
        LogWarningLineTruncated(_logger, file.Path, offset, length, _maxLineBytes);
    }

    private bool IsPastRotateWait(TailedFile file) =>
        file.EndedAt is { } endedAt && _timeProvider.GetUtcNow() - endedAt >= _options.RotateWait;

    private bool IsExcluded(string path)
    {
        foreach (var exclude in _excludes)
        {
            if (exclude.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsOpen(FileIdentity identity) => _byIdentity.ContainsKey(identity);

    private static bool IsUnlinked(TailedFile file) =>
        file.Handle is null || !FileStat.TryGet(file.Handle, out var stat) || stat.LinkCount == 0;

    /// <summary>Opens a newly found path and follows it, with a provisional key while it has no complete first line.</summary>
    private void Open(string path, FileIdentity listed, DateTimeOffset now, DateTimeOffset fileNow, bool startup, bool fromHead)
    {
        if (TryOpenForReading(path, logFailure: true) is not { } handle)
        {
            return;
        }

        // The path may have changed between the stat and the open: trust only the handle.
        if (!FileStat.TryGet(handle, out var stat) || !stat.IsRegularFile || IsOpen(stat.Identity))
        {
            handle.Dispose();
            return;
        }

        ulong? firstLineHash = FileFingerprint.TryHashFirstLine(handle, out var hash) ? hash : null;
        if (firstLineHash is null)
        {
            LogDebugWaitingForFirstLine(_logger, path);
        }

        _byPath[path] = Follow(path, handle, stat, firstLineHash, fromHead);
        if (!startup && (stat.Identity != listed || firstLineHash is not null))
        {
            // Renamed, or copied and truncated, between our stat and our open: what we listed is now a
            // sibling, and no later rescan would look for it.
            FollowRotatedWhileAway(path, now, fileNow);
        }
    }

    /// <summary>True when the file still starts with the line (or, for a file keyed by unterminated bytes, the bytes) its key was made from.</summary>
    private static bool StartsAsKeyed(SafeFileHandle handle, TailedFile file) =>
        FileFingerprint.TryHashFirstLine(handle, out var hash)
            ? hash == file.FirstLineHash
            : FileFingerprint.TryHashHead(handle, out hash) && hash == file.FirstLineHash;

    /// <summary>The key a file has while it has no complete first line: device and inode alone.</summary>
    private static string ProvisionalKey(FileIdentity identity) => identity.ComputeKey(FileFingerprint.NoFirstLineHash);

    /// <summary>The checkpoint of a file: under its key, or, when it got its first line since, under its provisional key.</summary>
    private bool TryFindCheckpoint(FileIdentity identity, ulong? firstLineHash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FileCheckpoint? checkpoint) =>
        (firstLineHash is { } hash && _checkpoints.TryGet(identity.ComputeKey(hash), out checkpoint))
        || _checkpoints.TryGet(ProvisionalKey(identity), out checkpoint);

    /// <summary>
    /// Gives a followed file its key once its first line is complete (or, for a file that will not grow
    /// again, once its unterminated bytes are handed out), and moves its checkpoint under that key.
    /// </summary>
    private bool TryCompleteKey(TailedFile file, SafeFileHandle handle)
    {
        if (!FileFingerprint.TryHashFirstLine(handle, out var hash)
            && !(IsPastRotateWait(file) && FileFingerprint.TryHashHead(handle, out hash)))
        {
            return false;
        }

        file.FirstLineHash = hash;
        file.FileKey = file.Identity.ComputeKey(hash);
        file.HasKey = true;
        StageCheckpoint(file, file.CommittedOffset);
        if (file.HandleIdentity == file.Identity && !file.IsRotatedOut)
        {
            // Not here: the caller may be going through Files. The next rescan looks, and it is wanted now.
            file.LookForEarlierCopies = true;
            RescanWanted = true;
        }

        return true;
    }

    /// <summary>
    /// A file followed from before its first line may have been emptied in place several times meanwhile
    /// (copytruncate): the generations before the one it now holds are only in the copies beside it.
    /// Copies written since it was followed, not followed themselves, are read whole. Runs after the
    /// rescan's truncation checks, so a copy of the generation being read is already open as its rescue.
    /// </summary>
    private void FollowEarlierCopies(DateTimeOffset now)
    {
        List<TailedFile>? keyed = null;
        foreach (var file in _files)
        {
            if (file.LookForEarlierCopies)
            {
                file.LookForEarlierCopies = false;
                (keyed ??= []).Add(file);
            }
        }

        foreach (var file in keyed ?? [])
        {
            FollowRotatedWhileAway(file.Path, now, file.FollowedAt);
        }
    }

    /// <summary>Starts reading a file that has a key: at its checkpoint when the bytes before it still match, else at its head or end.</summary>
    private TailedFile Follow(string path, SafeFileHandle handle, FileStat stat, ulong? firstLineHash, bool fromHead)
    {
        var key = firstLineHash is { } hash ? stat.Identity.ComputeKey(hash) : ProvisionalKey(stat.Identity);
        long start;
        var resumed = false;
        if (TryFindCheckpoint(stat.Identity, firstLineHash, out var checkpoint))
        {
            if (checkpoint.Offset > stat.Size)
            {
                start = 0;
                LogWarningCheckpointRejected(_logger, path, key, checkpoint.Offset, "the file is now shorter than the checkpoint");
            }
            else if (!FileFingerprint.TryHashTail(handle, checkpoint.Offset, out var tailHash) || tailHash != checkpoint.TailHash)
            {
                start = 0;
                LogWarningCheckpointRejected(_logger, path, key, checkpoint.Offset, "the bytes before the checkpoint changed");
            }
            else
            {
                start = checkpoint.Offset;
                resumed = true;
            }
        }
        else
        {
            // A file with no complete line yet had nothing in it to skip: read it from its head.
            start = fromHead || firstLineHash is null ? 0 : FindEndOfLastLine(handle, stat.Size);
        }

        var file = new TailedFile(path, key, stat.Identity, firstLineHash, handle, start, stat.Size) { FollowedAt = _lastRescanFileTime ?? _timeProvider.GetUtcNow() };
        _files.Add(file);
        _byIdentity[stat.Identity] = file;
        FilesOpened++;
        if (resumed && checkpoint!.FileKey == key)
        {
            file.LastCheckpoint = checkpoint;
        }
        else
        {
            // Without this, a crash before the first acknowledgement would make a restart start such a file at its end.
            StageCheckpoint(file, start);
        }

        LogInformationFileOpened(_logger, path, key, start, resumed);
        return file;
    }

    private void StageCheckpoint(TailedFile file, long offset)
    {
        if (file.Handle is { } handle && FileFingerprint.TryHashTail(handle, offset, out var tailHash))
        {
            file.LastCheckpoint = _checkpoints.Commit(file.FileKey, file.Identity, file.Path, offset, tailHash);
            if (file.HandleIdentity != file.Identity)
            {
                // Read from copytruncate's copy: the copy is known by its own key too, so no later look
                // for unseen siblings (nor a restart) takes it for a file never read.
                _checkpoints.Commit(file.HandleIdentity.ComputeKey(file.FirstLineHash), file.HandleIdentity, file.Path, offset, tailHash);
            }
        }
    }

    /// <summary>Where to start a file read from its end: after its last newline, so an unfinished line is not cut.</summary>
    private long FindEndOfLastLine(SafeFileHandle handle, long size)
    {
        if (size == 0)
        {
            return 0;
        }

        var window = (int)Math.Min(size, _buffer.Length);
        var read = RandomAccess.Read(handle, _buffer.AsSpan(0, window), size - window);
        var newline = _buffer.AsSpan(0, read).LastIndexOf((byte)'\n');
        if (newline >= 0)
        {
            return size - window + newline + 1;
        }

        return window == size ? 0 : size;
    }

    /// <summary>
    /// Finds what rotation did while we were not looking. At start-up (<paramref name="since"/> null):
    /// the rotated sibling we were reading (it has a checkpoint short of its end) is read on from its
    /// checkpoint, and every uncompressed sibling rotated after it (no checkpoint, inode changed no
    /// earlier) is read from its head. Later: every sibling with no checkpoint rotated since the path
    /// was last seen (<paramref name="since"/>) was created and rotated away unseen, and is read from
    /// its head. Returns true when such a predecessor exists.
    /// </summary>
    private bool FollowRotatedWhileAway(string path, DateTimeOffset now, DateTimeOffset? since)
    {
        var candidates = new List<(string Sibling, SafeFileHandle Handle, FileStat Stat, ulong FirstLineHash, FileCheckpoint? Checkpoint)>();
        foreach (var sibling in RotatedSiblings.Find(path))
        {
            if (IsExcluded(sibling) || !FileStat.TryGet(sibling, out var stat) || !stat.IsRegularFile || IsOpen(stat.Identity))
            {
                continue;
            }

            if (TryOpenForReading(sibling) is not { } handle)
            {
                continue;
            }

            if (!FileStat.TryGet(handle, out stat) || !FileFingerprint.TryHashFirstLine(handle, out var firstLineHash))
            {
                handle.Dispose();
                continue;
            }

            if (IsCopyOfFollowed(path, firstLineHash))
            {
                // A copy of the generation being read in place, made since the truncation check: the next check rescues from it.
                handle.Dispose();
                continue;
            }

            TryFindCheckpoint(stat.Identity, firstLineHash, out var checkpoint);
            candidates.Add((sibling, handle, stat, firstLineHash, checkpoint));
        }

        // Rotation is dated by the inode's change time (a rename sets it; a copy cannot inherit it, as it may its mtime).
        // At start-up, the newest sibling we hold a checkpoint for is where reading stopped: anything rotated after it is unread.
        // Later, every sibling rotated since the path was last seen; the slack covers a rename during that rescan's listing.
        var stoppedAt = since - SiblingClockSlack;
        var found = false;
        foreach (var candidate in candidates)
        {
            if (since is null && candidate.Checkpoint is not null && (stoppedAt is null || candidate.Stat.ChangedAt > stoppedAt))
            {
                stoppedAt = candidate.Stat.ChangedAt;
            }
        }

        foreach (var (sibling, handle, stat, firstLineHash, checkpoint) in candidates)
        {
            var unread = checkpoint is not null
                ? checkpoint.Offset < stat.Size
                : stoppedAt is not null && stat.ChangedAt >= stoppedAt;
            if (!unread || IsOpen(stat.Identity))
            {
                handle.Dispose();
                continue;
            }

            var file = Follow(path, handle, stat, firstLineHash, fromHead: true);
            EndFile(file, now, deleted: false);
            found = true;
            UnseenGenerationsFound++;
            LogInformationRotatedWhileAway(_logger, sibling, file.FileKey, file.Position);
        }

        return found || (since is null && stoppedAt is not null);
    }

    /// <summary>True when a file of <paramref name="path"/> read in place starts with the line <paramref name="firstLineHash"/> hashes.</summary>
    private bool IsCopyOfFollowed(string path, ulong firstLineHash)
    {
        foreach (var file in _files)
        {
            if (file.HasKey && file.FirstLineHash == firstLineHash && file.HandleIdentity == file.Identity && string.Equals(file.Path, path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Copytruncate empties a file in place after copying it: the file is shorter than what we read,
    /// or starts with another first line. Lines written after our last read ended up in the copy; read
    /// them from there when the copy is beside the file, then follow the truncated file from its head.
    /// Returns true when the file was found truncated (its generation is ended).
    /// </summary>
    private bool CheckForTruncation(TailedFile file, DateTimeOffset now)
    {
        if (!file.HasKey)
        {
            // Nothing was read from it yet, so nothing can have been truncated away from under a read.
            return false;
        }

        var handle = file.Handle!;
        if (!FileStat.TryGet(handle, out var stat))
        {
            return false;
        }

        var truncated = file.ContentReplaced
            || stat.Size < file.Progress
            || !StartsAsKeyed(handle, file);
        if (!truncated)
        {
            return false;
        }

        Truncations++;
        _byPath.Remove(file.Path);
        _byIdentity.Remove(file.HandleIdentity);
        file.ContentReplaced = false;
        if (TryOpenCopy(file, out var copyPath, out var copyHandle, out var copyStat))
        {
            handle.Dispose();
            file.Handle = copyHandle;
            file.HandleIdentity = copyStat.Identity;
            file.Size = copyStat.Size;
            file.AtEof = false;
            _byIdentity[copyStat.Identity] = file;
            CopytruncateRescues++;
            StageCheckpoint(file, file.CommittedOffset);
            LogInformationCopytruncateRescue(_logger, file.Path, file.FileKey, copyPath, file.Position, copyStat.Size);
        }
        else
        {
            handle.Dispose();
            file.Handle = null;
            file.OverlongLineStart = -1;
            file.AtEof = true;
            file.Size = file.Position;
            LogWarningTruncatedWithoutCopy(_logger, file.Path, file.FileKey, file.Position);
        }

        EndFile(file, now, deleted: false);
        return true;
    }

    /// <summary>Opens a file for reading without keeping its writer or a rotation from renaming or deleting it; null when it cannot be opened.</summary>
    private SafeFileHandle? TryOpenForReading(string path, bool logFailure = false)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (logFailure)
            {
                LogWarningOpenFailed(_logger, path, e.Message);
            }

            return null;
        }
    }

    private bool TryOpenCopy(TailedFile file, out string copyPath, out SafeFileHandle copyHandle, out FileStat copyStat)
    {
        foreach (var candidate in RotatedSiblings.Find(file.Path))
        {
            if (!FileStat.TryGet(candidate, out var stat) || !stat.IsRegularFile || stat.Identity == file.HandleIdentity || IsOpen(stat.Identity))
            {
                continue;
            }

            if (TryOpenForReading(candidate) is not { } handle)
            {
                continue;
            }

            if (FileStat.TryGet(handle, out stat)
                && FileFingerprint.TryHashFirstLine(handle, out var firstLineHash)
                && firstLineHash == file.FirstLineHash)
            {
                copyPath = candidate;
                copyHandle = handle;
                copyStat = stat;
                return true;
            }

            handle.Dispose();
        }

        copyPath = string.Empty;
        copyHandle = null!;
        copyStat = default;
        return false;
    }

    private static void EndFile(TailedFile file, DateTimeOffset now, bool deleted)
    {
        file.IsRotatedOut = true;
        file.IsDeleted |= deleted;
        file.EndedAt ??= now;
    }

    /// <summary>Followed paths that no longer match, or name nothing: their file was renamed away or deleted.</summary>
    private void EndVanished(HashSet<string> seen, DateTimeOffset now)
    {
        List<string>? vanished = null;
        foreach (var path in _byPath.Keys)
        {
            if (!seen.Contains(path))
            {
                (vanished ??= []).Add(path);
            }
        }

        foreach (var path in vanished ?? [])
        {
            var file = _byPath[path];
            _byPath.Remove(path);
            var deleted = IsUnlinked(file);
            EndFile(file, now, deleted);
            Rotations++;
            if (deleted)
            {
                LogInformationDeleted(_logger, path, file.FileKey, file.Position);
            }
            else
            {
                LogInformationRotated(_logger, path, file.FileKey, file.Position);
            }
        }
    }

    private void RefreshSizes()
    {
        foreach (var file in _files)
        {
            if (file.Handle is { } handle && FileStat.TryGet(handle, out var stat))
            {
                if (file.IsRotatedOut && !file.IsDeleted && stat.LinkCount == 0)
                {
                    file.IsDeleted = true;
                }

                if (stat.Size != file.Size)
                {
                    file.Size = stat.Size;
                    if (stat.Size > file.Progress)
                    {
                        file.AtEof = false;
                    }
                }
            }
        }
    }

    /// <summary>Closes ended files that are read to the end, fully committed and past the rotate wait.</summary>
    private void CloseFinished(DateTimeOffset now)
    {
        for (var i = _files.Count - 1; i >= 0; i--)
        {
            var file = _files[i];
            if (!file.IsRotatedOut
                || file.EndedAt is not { } endedAt
                || now - endedAt < _options.RotateWait
                || !file.IsFullyRead
                || file.CommittedOffset < file.Position)
            {
                continue;
            }

            file.Handle?.Dispose();
            file.Handle = null;
            file.IsClosed = true;
            _files.RemoveAt(i);
            if (_byIdentity.TryGetValue(file.HandleIdentity, out var mapped) && ReferenceEquals(mapped, file))
            {
                _byIdentity.Remove(file.HandleIdentity);
            }

            // Touch the checkpoint: the file is gone from now on, and is forgotten ForgetCheckpointsAfter from now.
            if (file.LastCheckpoint is { } last)
            {
                _checkpoints.Commit(last.FileKey, last.Identity, last.Path, last.Offset, last.TailHash);
            }

            LogDebugClosed(_logger, file.Path, file.FileKey, file.Position);
        }
    }

    private void ForgetGoneCheckpoints()
    {
        var followed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in _files)
        {
            followed.Add(file.FileKey);
        }

        var forgotten = _checkpoints.RemoveGone(_options.ForgetCheckpointsAfter, followed);
        if (forgotten > 0)
        {
            LogDebugCheckpointsForgotten(_logger, forgotten);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Following {Path} [{FileKey}] from offset {Offset} (resumed from checkpoint: {Resumed})")]
    private static partial void LogInformationFileOpened(ILogger logger, string path, string fileKey, long offset, bool resumed);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Checkpoint at {Offset} of {Path} [{FileKey}] rejected because {Reason}: reading it again from offset 0")]
    private static partial void LogWarningCheckpointRejected(ILogger logger, string path, string fileKey, long offset, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "{Path} [{FileKey}] was rotated out at offset {Offset}: reading it to its end")]
    private static partial void LogInformationRotated(ILogger logger, string path, string fileKey, long offset);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "{Path} [{FileKey}] was deleted at offset {Offset}: reading it to its end")]
    private static partial void LogInformationDeleted(ILogger logger, string path, string fileKey, long offset);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "{Path} [{FileKey}] was truncated in place; reading its lines from offset {Offset} to {CopySize} in the copy {CopyPath}")]
    private static partial void LogInformationCopytruncateRescue(ILogger logger, string path, string fileKey, string copyPath, long offset, long copySize);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "{Path} [{FileKey}] was truncated in place and no copy with its first line is beside it: lines written after offset {Offset} and before the truncation are lost (keep the copy uncompressed next to the file, e.g. logrotate delaycompress)")]
    private static partial void LogWarningTruncatedWithoutCopy(ILogger logger, string path, string fileKey, long offset);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Line at offset {Offset} of {Path} is {Length} bytes, over MaxLineBytes {MaxLineBytes}: handed out cut, following goes on")]
    private static partial void LogWarningLineTruncated(ILogger logger, string path, long offset, long length, int maxLineBytes);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "Cannot open {Path}: {Reason}")]
    private static partial void LogWarningOpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Debug, Message = "{Path} has no complete first line yet: followed under a provisional key until it has one")]
    private static partial void LogDebugWaitingForFirstLine(ILogger logger, string path);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Debug, Message = "Closed {Path} [{FileKey}] at offset {Offset}")]
    private static partial void LogDebugClosed(ILogger logger, string path, string fileKey, long offset);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Debug, Message = "Forgot {Count} checkpoints of files gone for longer than ForgetCheckpointsAfter")]
    private static partial void LogDebugCheckpointsForgotten(ILogger logger, int count);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "{Path} [{FileKey}] starts with another first line while reading at offset {Offset}: truncated in place and written again (copytruncate); rescanning to find the copy")]
    private static partial void LogInformationContentReplaced(ILogger logger, string path, string fileKey, long offset);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "{Path} [{FileKey}] was rotated while the collector was away: reading it from its checkpoint {Offset} to its end")]
    private static partial void LogInformationRotatedWhileAway(ILogger logger, string path, string fileKey, long offset);
}
