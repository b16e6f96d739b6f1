using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>What <c>statx</c> says about a path (symbolic links followed) or an open file.</summary>
/// <param name="Identity">Device and inode.</param>
/// <param name="Size">Bytes in the file.</param>
/// <param name="LinkCount">Names the file has; 0 once it was deleted while we hold it open.</param>
/// <param name="IsRegularFile">False for directories, pipes, devices and sockets.</param>
/// <param name="ModifiedAt">Last modification of the content (mtime); a copy may carry its original's.</param>
/// <param name="ChangedAt">
/// Last change of the inode (ctime): creation, writes, and also renames, which is why rotation is
/// dated by it. Nothing a user tool does can set it back.
/// </param>
public readonly record struct FileStat(FileIdentity Identity, long Size, uint LinkCount, bool IsRegularFile, DateTimeOffset ModifiedAt, DateTimeOffset ChangedAt)
{
    /// <summary>Stats a path, following symbolic links to the target; false when nothing is there.</summary>
    public static bool TryGet(string path, out FileStat stat) => LinuxStatx.TryStat(path, out stat);

    /// <summary>Stats an open file: the file we read, whatever its path now names.</summary>
    public static bool TryGet(SafeFileHandle handle, out FileStat stat) => LinuxStatx.TryStat(handle, out stat);
}
