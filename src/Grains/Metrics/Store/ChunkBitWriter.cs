namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// Appends bits, most significant first, to a growable byte array: the head chunk's buffer. The
/// array is kept between chunks (cleared, not reallocated), so a series' steady state allocates
/// only the closed chunk's exact-size copy.
/// </summary>
internal sealed class ChunkBitWriter
{
    private byte[] _buffer;
    private long _bitPosition;

    public ChunkBitWriter(int initialBytes) => _buffer = new byte[Math.Max(initialBytes, 8)];

    /// <summary>Bits written so far (the header bytes included).</summary>
    public long BitPosition => _bitPosition;

    /// <summary>Whole bytes holding the bits written.</summary>
    public int ByteLength => (int)((_bitPosition + 7) >> 3);

    /// <summary>The buffer's size: what the head costs in memory.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The buffer itself; bytes past <see cref="ByteLength"/> are zero.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Forgets every bit but keeps the buffer (zeroed where it was written).</summary>
    public void Clear()
    {
        Array.Clear(_buffer, 0, ByteLength);
        _bitPosition = 0;
    }

    /// <summary>Writes a whole byte at a byte position already written (the header's count).</summary>
    public void PatchByte(int index, byte value) => _buffer[index] = value;

    public void WriteBit(bool bit)
    {
        EnsureCapacity(_bitPosition + 1);
        if (bit)
        {
            _buffer[_bitPosition >> 3] |= (byte)(0x80 >> (int)(_bitPosition & 7));
        }

        _bitPosition++;
    }

    /// <summary>Writes the low <paramref name="count"/> bits of <paramref name="value"/> (0 to 64), most significant first.</summary>
    public void WriteBits(ulong value, int count)
    {
        if (count == 0)
        {
            return;
        }

        if (count < 64)
        {
            value &= (1UL << count) - 1;
        }

        EnsureCapacity(_bitPosition + count);
        var buffer = _buffer;
        var position = _bitPosition;
        while (count > 0)
        {
            var used = (int)(position & 7);
            var free = 8 - used;
            var take = Math.Min(free, count);
            var bits = (uint)(value >> (count - take)) & ((1u << take) - 1);
            buffer[position >> 3] |= (byte)(bits << (free - take));
            count -= take;
            position += take;
        }

        _bitPosition = position;
    }

    /// <summary>A copy of the bytes written: a closed chunk, exactly sized.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, ByteLength).ToArray();

    private void EnsureCapacity(long bits)
    {
        var bytes = (bits + 7) >> 3;
        if (bytes > _buffer.Length)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, (int)bytes)];
            _buffer.AsSpan(0, ByteLength).CopyTo(grown);
            _buffer = grown;
        }
    }
}
