using System.Buffers.Binary;
using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Batching;

/// <summary>
/// Packs records into the payload of a <see cref="LogBatch"/>. Layout of one record,
/// little-endian: source index (u16), offset (i64), time in Unix nanoseconds (i64),
/// stream (u8), flags (u8), message length (i32), message bytes (UTF-8).
/// <see cref="Build"/> hands the filled buffer to the batch and takes a fresh one from the
/// <see cref="BatchBufferPool"/>; the sender gives it back with <see cref="BatchBufferPool.Return"/>
/// once the batch is acknowledged, so steady-state batching allocates no large arrays.
/// </summary>
public sealed class LogBatchWriter
{
    /// <summary>Bytes of fixed header before each message.</summary>
    public const int RecordHeaderSize = 2 + 8 + 8 + 1 + 1 + 4;

    private readonly BatchBufferPool _pool;
    private byte[] _buffer;
    private readonly List<LogSource> _sources = [];
    private readonly Dictionary<LogSource, ushort> _sourceIndex = new(ReferenceEqualityComparer.Instance);

    public LogBatchWriter(int initialCapacity = 256 * 1024)
        : this(new BatchBufferPool(initialCapacity, maxPooled: 0))
    {
    }

    public LogBatchWriter(BatchBufferPool pool)
    {
        _pool = pool;
        _buffer = pool.Rent();
    }

    /// <summary>Bytes written so far, headers included.</summary>
    public int Length { get; private set; }

    /// <summary>Records written so far.</summary>
    public int Count { get; private set; }

    public void Append(LogSource source, long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message)
    {
        if (!_sourceIndex.TryGetValue(source, out var index))
        {
            if (_sources.Count == ushort.MaxValue)
            {
                throw new InvalidOperationException("A batch holds at most 65535 sources; flush it first.");
            }

            index = (ushort)_sources.Count;
            _sources.Add(source);
            _sourceIndex.Add(source, index);
        }

        var needed = RecordHeaderSize + message.Length;
        EnsureCapacity(needed);
        var span = _buffer.AsSpan(Length, needed);
        BinaryPrimitives.WriteUInt16LittleEndian(span, index);
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], offset);
        BinaryPrimitives.WriteInt64LittleEndian(span[10..], timeUnixNanos);
        span[18] = (byte)stream;
        span[19] = (byte)flags;
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], message.Length);
        message.CopyTo(span[RecordHeaderSize..]);
        Length += needed;
        Count++;
    }

    /// <summary>Hands the records over as a batch and starts the next one in a fresh buffer.</summary>
    public LogBatch Build(string tenant, string node, long sequence)
    {
        var batch = new LogBatch
        {
            Tenant = tenant,
            Node = node,
            Sources = [.. _sources],
            Payload = _buffer.AsMemory(0, Length),
            Count = Count,
            Sequence = sequence,
        };
        _buffer = _pool.Rent();
        Reset();
        return batch;
    }

    public void Reset()
    {
        Length = 0;
        Count = 0;
        _sources.Clear();
        _sourceIndex.Clear();
    }

    private void EnsureCapacity(int needed)
    {
        if (Length + needed <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2, Length + needed);
        Array.Resize(ref _buffer, size);
    }
}
