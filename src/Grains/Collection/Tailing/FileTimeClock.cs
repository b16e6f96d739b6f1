using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// "Now" as the file system dates things: the inode change time of a marker file just written to.
/// Rotations are dated by the inode change times the kernel gives files, so the moments they are
/// compared with are taken from the same clock, not from the process's: a process clock that
/// differs from the kernel's file times (a test under libfaketime, a container with a shifted clock)
/// then cannot hide a rotation. Falls back to the process clock when the marker cannot be written.
/// </summary>
public sealed class FileTimeClock : IDisposable
{
    private readonly SafeFileHandle? _marker;
    private readonly TimeProvider _fallback;
    private readonly byte[] _stamp = [(byte)'\n'];

    /// <summary>Uses (and creates) the marker file at <paramref name="markerPath"/>.</summary>
    public FileTimeClock(string markerPath, TimeProvider fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        _fallback = fallback;
        try
        {
            _marker = File.OpenHandle(markerPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _marker = null;
        }
    }

    /// <summary>The kernel's current file time (one small write and one statx), or the process clock's time.</summary>
    public DateTimeOffset Now()
    {
        if (_marker is not null)
        {
            try
            {
                RandomAccess.Write(_marker, _stamp, 0);
                if (FileStat.TryGet(_marker, out var stat))
                {
                    return stat.ChangedAt;
                }
            }
            catch (IOException)
            {
                // A full disk: the process clock will do.
            }
        }

        return _fallback.GetUtcNow();
    }

    public void Dispose() => _marker?.Dispose();
}
