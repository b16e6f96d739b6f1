using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// One file a <see cref="FileTailer"/> follows: a generation of the log at <see cref="Path"/>,
/// known by its <see cref="FileKey"/>. Rotation or copytruncate ends a generation (it is read to its
/// end, then closed) and the file now at the path becomes a new <see cref="TailedFile"/>.
/// </summary>
public sealed class TailedFile
{
    internal TailedFile(string path, string fileKey, FileIdentity identity, ulong? firstLineHash, SafeFileHandle handle, long position, long size)
    {
        Path = path;
        FileKey = fileKey;
        Identity = identity;
        FirstLineHash = firstLineHash ?? 0;
        HasKey = firstLineHash is not null;
        Handle = handle;
        HandleIdentity = identity;
        Position = position;
        CommittedOffset = position;
        Size = size;
    }

    /// <summary>The path the file was found at (a symbolic link stays the link): what its metadata is parsed from.</summary>
    public string Path { get; }

    /// <summary>
    /// 16 lowercase hex digits: device, inode and first line hashed. Record ids are <c>FileKey-offset</c>.
    /// While the file has no complete first line (<see cref="HasKey"/> false) it is a provisional key of
    /// device and inode alone, under which the file's offset-0 checkpoint is kept; no record carries it.
    /// </summary>
    public string FileKey { get; internal set; }

    /// <summary>False while the file has no complete first line: it is followed, but its <see cref="FileKey"/> is provisional.</summary>
    public bool HasKey { get; internal set; }

    /// <summary>Device and inode of the file (of the link target when <see cref="Path"/> is a link).</summary>
    public FileIdentity Identity { get; }

    /// <summary>Offset of the next line to hand out: every byte before it went out in a line.</summary>
    public long Position { get; internal set; }

    /// <summary>Size of the file when last seen by a read or a rescan.</summary>
    public long Size { get; internal set; }

    /// <summary>True when the last read reached the end of the file; an unterminated last line may be waiting.</summary>
    public bool AtEof { get; internal set; }

    /// <summary>True once the path names another file (rename, copytruncate) or nothing: read to the end, then closed.</summary>
    public bool IsRotatedOut { get; internal set; }

    /// <summary>True when the file was deleted while open (it is still read to its end).</summary>
    public bool IsDeleted { get; internal set; }

    /// <summary>True once the tailer closed the file; it is no longer in <see cref="FileTailer.Files"/>.</summary>
    public bool IsClosed { get; internal set; }

    /// <summary>Highest offset committed through <see cref="FileTailer.Commit"/>.</summary>
    public long CommittedOffset { get; internal set; }

    /// <summary>Free slot for the collector (decoder, metadata); the tailer never reads it.</summary>
    public object? State { get; set; }

    internal ulong FirstLineHash { get; set; }

    /// <summary>What is read: the file itself, or the copy copytruncate left of it while its lines are rescued.</summary>
    internal SafeFileHandle? Handle { get; set; }

    internal FileIdentity HandleIdentity { get; set; }

    internal DateTimeOffset? EndedAt { get; set; }

    /// <summary>Start of an over-long line whose end is being looked for, or -1.</summary>
    internal long OverlongLineStart { get; set; } = -1;

    /// <summary>How far the search for the end of an over-long line got.</summary>
    internal long OverlongScanOffset { get; set; }

    internal FileCheckpoint? LastCheckpoint { get; set; }

    /// <summary>
    /// True once a read found the file starting with another first line: the file was truncated
    /// in place and written again (copytruncate) before a rescan noticed. Not read until the next rescan.
    /// </summary>
    internal bool ContentReplaced { get; set; }

    /// <summary>When the tailer began following the file.</summary>
    internal DateTimeOffset FollowedAt { get; set; }

    /// <summary>
    /// Set when a file followed while it had no first line got its key: copytruncate may have copied
    /// earlier generations of it away meanwhile, which the next rescan looks for beside it.
    /// </summary>
    internal bool LookForEarlierCopies { get; set; }

    /// <summary>How far reading got, including bytes skipped in an over-long line.</summary>
    internal long Progress => OverlongLineStart >= 0 ? OverlongScanOffset : Position;

    internal bool IsFullyRead => AtEof && OverlongLineStart < 0 && Position >= Size;

    public override string ToString() => $"{Path} [{FileKey}] @{Position}";
}
