using System.Buffers;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// The pieces of one stream's record gathered so far (CRI <c>P</c> pieces, docker 16 KiB
/// splits). The buffer is rented only while a record is pending, so thousands of followed
/// files do not each hold a record-sized array.
/// </summary>
internal sealed class PartialRecord
{
    private const int InitialBufferSize = 4096;

    private byte[] _buffer = [];

    public bool IsPending { get; private set; }

    /// <summary>File offset of the first piece: the record's offset.</summary>
    public long StartOffset { get; private set; }

    /// <summary>Time of the first piece.</summary>
    public long TimeUnixNanos { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the first piece arrived.</summary>
    public long StartedTimestamp { get; private set; }

    public LogRecordFlags Flags { get; private set; }

    /// <summary>The record reached the size cap; later pieces are consumed but dropped.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The kept bytes end where something cut them (the cap, or the tailer's line limit).</summary>
    public bool EndsInCut { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, Length);

    public void Start(long offset, long timeUnixNanos, long startedTimestamp)
    {
        IsPending = true;
        StartOffset = offset;
        TimeUnixNanos = timeUnixNanos;
        StartedTimestamp = startedTimestamp;
        Flags = LogRecordFlags.None;
        Overflowed = false;
        EndsInCut = false;
        Length = 0;
    }

    public void Append(ReadOnlySpan<byte> piece, LogRecordFlags pieceFlags, int maxRecordBytes)
    {
        Flags |= pieceFlags;
        if (Overflowed)
        {
            return;
        }

        var room = maxRecordBytes - Length;
        if (piece.Length > room)
        {
            piece = piece[..room];
            Overflowed = true;
            Flags |= LogRecordFlags.Truncated;
        }

        EndsInCut = Overflowed || (pieceFlags & LogRecordFlags.Truncated) != 0;
        EnsureCapacity(Length + piece.Length, maxRecordBytes);
        piece.CopyTo(_buffer.AsSpan(Length));
        Length += piece.Length;
    }

    /// <summary>Forgets the record and gives the buffer back to the pool.</summary>
    public void Clear()
    {
        IsPending = false;
        Length = 0;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void EnsureCapacity(int needed, int maxRecordBytes)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(needed, Math.Min(maxRecordBytes, Math.Max(InitialBufferSize, _buffer.Length * 2)));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, Length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
