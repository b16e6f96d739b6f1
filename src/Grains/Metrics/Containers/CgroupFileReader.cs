namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Reads a cgroupfs or procfs file into one reused buffer (these files report a size of 0 or 4096, so it
/// reads until end of file). Not thread-safe: one per collector. What went wrong is a status, never an
/// exception: a container that exits mid-read removes its files, which is normal.
/// </summary>
internal sealed class CgroupFileReader
{
    // /proc/stat on a large host and a root cgroup.procs can pass 64 KiB; what is read past that is not needed.
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];

    /// <summary>Reads <paramref name="path"/>; on <see cref="CgroupFileStatus.Ok"/>, <paramref name="content"/> is valid until the next read.</summary>
    public CgroupFileStatus Read(string path, out ReadOnlySpan<byte> content)
    {
        content = default;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var total = 0;
            while (total < _buffer.Length)
            {
                var read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
                if (read <= 0)
                {
                    break;
                }

                total += read;
            }

            content = _buffer.AsSpan(0, total);
            return CgroupFileStatus.Ok;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return CgroupFileStatus.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CgroupFileStatus.Unreadable;
        }
    }
}
