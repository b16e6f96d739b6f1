using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Short strings a parser meets again and again (member names such as <c>level</c> and
/// <c>msg</c>, values such as <c>info</c> or a logger name), so parsing the same shapes line after
/// line does not allocate them each time. Direct-mapped and bounded: a slot holds the last string
/// that hashed to it, a miss allocates the string it would have allocated anyway and takes the
/// slot, and unique values (ids, times) only churn slots. Only ASCII text up to
/// <see cref="MaxLength"/> is cached; anything else is decoded as usual. Not thread-safe: one per
/// parser instance.
/// </summary>
internal sealed class StringCache
{
    public const int MaxLength = 32;

    private readonly string?[] _slots;
    private readonly int _mask;

    /// <param name="slots">A power of two.</param>
    public StringCache(int slots = 256)
    {
        _slots = new string?[slots];
        _mask = slots - 1;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength || !Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        ref var slot = ref _slots[Hash(utf8) & _mask];
        if (slot is { } cached && Ascii.Equals(utf8, cached))
        {
            return cached;
        }

        return slot = Encoding.ASCII.GetString(utf8);
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength)
        {
            return text.ToString();
        }

        ref var slot = ref _slots[Hash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text)) & _mask];
        if (slot is { } cached && text.SequenceEqual(cached))
        {
            return cached;
        }

        return slot = text.ToString();
    }

    // Length and the first and last eight bytes: enough to spread short keys, cheap to compute.
    private static int Hash(ReadOnlySpan<byte> key)
    {
        ulong first, last;
        if (key.Length >= 8)
        {
            first = BinaryPrimitives.ReadUInt64LittleEndian(key);
            last = BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]);
        }
        else
        {
            first = 0;
            for (var i = 0; i < key.Length; i++)
            {
                first = (first << 8) | key[i];
            }

            last = 0;
        }

        var hash = ((first * 0x9E3779B97F4A7C15) ^ (last * 0xC2B2AE3D27D4EB4F)) + (ulong)key.Length;
        return (int)(hash >> 40) ^ (int)(hash >> 8);
    }
}
