using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// The two content hashes a file is recognised by: its first line (part of its key) and the
/// bytes just before a checkpoint (proof, on resume, that the offset still means what it meant).
/// </summary>
public static class FileFingerprint
{
    /// <summary>Most bytes of the first line that go into the key.</summary>
    public const int FirstLineBytes = 256;

    /// <summary>Most bytes before a checkpoint offset that go into its tail hash.</summary>
    public const int TailBytes = 64;

    /// <summary>Stands for the first-line hash in the provisional key of a file that has no complete first line yet.</summary>
    public const ulong NoFirstLineHash = 0;

    /// <summary>
    /// Hashes the first line, newline included, or the first <see cref="FirstLineBytes"/> bytes when
    /// the line is longer. False while the file is shorter than that and has no newline yet:
    /// such a file has no key and is not read.
    /// </summary>
    public static bool TryHashFirstLine(SafeFileHandle handle, out ulong hash)
    {
        Span<byte> head = stackalloc byte[FirstLineBytes];
        var read = ReadAt(handle, head, 0);
        var newline = head[..read].IndexOf((byte)'\n');
        if (newline < 0 && read < FirstLineBytes)
        {
            hash = 0;
            return false;
        }

        hash = XxHash64.HashToUInt64(newline < 0 ? head : head[..(newline + 1)]);
        return true;
    }

    /// <summary>
    /// Hashes whatever the file starts with, up to <see cref="FirstLineBytes"/>: the key of a file that
    /// ended (rotated away) with an unterminated first line. False when the file is empty.
    /// </summary>
    public static bool TryHashHead(SafeFileHandle handle, out ulong hash)
    {
        Span<byte> head = stackalloc byte[FirstLineBytes];
        var read = ReadAt(handle, head, 0);
        hash = read == 0 ? 0 : XxHash64.HashToUInt64(head[..read]);
        return read > 0;
    }

    /// <summary>Hashes up to <see cref="TailBytes"/> bytes before <paramref name="offset"/>; false when the file is shorter than the offset.</summary>
    public static bool TryHashTail(SafeFileHandle handle, long offset, out ulong hash)
    {
        var length = (int)Math.Min(TailBytes, offset);
        Span<byte> tail = stackalloc byte[TailBytes];
        var read = ReadAt(handle, tail[..length], offset - length);
        if (read < length)
        {
            hash = 0;
            return false;
        }

        hash = XxHash64.HashToUInt64(tail[..length]);
        return true;
    }

    private static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
