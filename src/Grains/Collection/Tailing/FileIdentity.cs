using System.Buffers.Binary;
using System.IO.Hashing;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>Device and inode of a file: what stays the same across a rename and changes with a new file.</summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>Length of a file key: 16 lowercase hexadecimal digits.</summary>
    public const int KeyLength = 16;

    /// <summary>
    /// The file's key: XxHash64 over device, inode and the hash of the file's first line.
    /// The same across restarts and renames; different after copytruncate (new first line)
    /// or when the inode is reused by a file with another first line.
    /// </summary>
    public string ComputeKey(ulong firstLineHash)
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Device);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Inode);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], firstLineHash);
        return XxHash64.HashToUInt64(bytes).ToString("x16");
    }

    public override string ToString() => $"{Device}:{Inode}";
}
