using System.Buffers;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// The record one stream of one file is building: its lines joined with <c>\n</c>, the offset and
/// time of its first line, and the rules' state. The buffer is rented only while lines are
/// pending, so thousands of followed files do not each hold a record-sized array.
/// </summary>
internal sealed class MultilineGroup
{
    private const int InitialBufferSize = 4096;

    private byte[] _buffer = [];

    /// <summary>The rules' state of the stream; it outlives an emission at a limit, so the rest of a long trace still joins.</summary>
    public int State { get; set; } = MultilineRules.NoGroup;

    public bool IsPending => Lines > 0;

    /// <summary>Offset of the first line: the record's offset.</summary>
    public long StartOffset { get; private set; }

    /// <summary>Time of the first line.</summary>
    public long TimeUnixNanos { get; private set; }

    /// <summary>The lines' flags, OR-ed.</summary>
    public LogRecordFlags Flags { get; private set; }

    public int Lines { get; private set; }

    public int Length { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the stream's last line joined.</summary>
    public long LastLineTimestamp { get; set; }

    public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, Length);

    public void Start(long offset, long timeUnixNanos, LogRecordFlags flags, ReadOnlySpan<byte> line, int maxBytes)
    {
        StartOffset = offset;
        TimeUnixNanos = timeUnixNanos;
        Flags = flags;
        Lines = 1;
        Length = 0;
        EnsureCapacity(line.Length, maxBytes);
        line.CopyTo(_buffer);
        Length = line.Length;
    }

    public void Add(LogRecordFlags flags, ReadOnlySpan<byte> line, int maxBytes)
    {
        Flags |= flags;
        Lines++;
        EnsureCapacity(Length + 1 + line.Length, maxBytes);
        _buffer[Length] = (byte)'\n';
        line.CopyTo(_buffer.AsSpan(Length + 1));
        Length += 1 + line.Length;
    }

    /// <summary>Forgets the lines (not the state) and gives the buffer back to the pool.</summary>
    public void Clear()
    {
        Lines = 0;
        Length = 0;
        Flags = LogRecordFlags.None;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void EnsureCapacity(int needed, int maxBytes)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        // Double up to the limit; one line may take a record past it, so never rent less than needed.
        var size = Math.Max(needed, Math.Min(maxBytes, Math.Max(InitialBufferSize, _buffer.Length * 2)));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, Length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
