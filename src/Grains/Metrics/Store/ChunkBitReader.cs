using System.Buffers.Binary;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>Reads bits, most significant first, from a chunk's bytes (the mirror of <see cref="ChunkBitWriter"/>).</summary>
internal ref struct ChunkBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private long _bitPosition;

    public ChunkBitReader(ReadOnlySpan<byte> data, long bitPosition)
    {
        _data = data;
        _bitPosition = bitPosition;
    }

    public bool ReadBit()
    {
        var index = (int)(_bitPosition >> 3);
        if (index >= _data.Length)
        {
            throw new InvalidDataException("chunk ends in the middle of a sample");
        }

        var bit = (_data[index] & (0x80 >> (int)(_bitPosition & 7))) != 0;
        _bitPosition++;
        return bit;
    }

    /// <summary>Reads <paramref name="count"/> bits (0 to 64) as an unsigned number.</summary>
    public ulong ReadBits(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var index = (int)(_bitPosition >> 3);
        var shift = (int)(_bitPosition & 7);
        // Fast path: eight bytes hold the wanted bits whenever shift + count <= 64.
        if (index + 8 <= _data.Length && shift + count <= 64)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(_data[index..]);
            _bitPosition += count;
            return (word << shift) >> (64 - count);
        }

        ulong value = 0;
        while (count > 0)
        {
            index = (int)(_bitPosition >> 3);
            if (index >= _data.Length)
            {
                throw new InvalidDataException("chunk ends in the middle of a sample");
            }

            var used = (int)(_bitPosition & 7);
            var free = 8 - used;
            var take = Math.Min(free, count);
            var bits = (uint)(_data[index] >> (free - take)) & ((1u << take) - 1);
            value = (value << take) | bits;
            count -= take;
            _bitPosition += take;
        }

        return value;
    }

    /// <summary>Reads <paramref name="count"/> bits as a two's-complement signed number.</summary>
    public long ReadSigned(int count)
    {
        var raw = ReadBits(count);
        return count == 64 ? (long)raw : (long)(raw << (64 - count)) >> (64 - count);
    }

    /// <summary>Counts leading one bits up to <paramref name="max"/>, consuming them and the terminating zero (if under max).</summary>
    public int ReadUnaryPrefix(int max)
    {
        var ones = 0;
        while (ones < max && ReadBit())
        {
            ones++;
        }

        return ones;
    }
}
