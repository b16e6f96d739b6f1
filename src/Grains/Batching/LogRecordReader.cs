using System.Buffers.Binary;
using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Batching;

/// <summary>Walks the records packed in a <see cref="LogBatch"/> without allocating.</summary>
public ref struct LogRecordReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly LogSource[] _sources;
    private int _position;

    public LogRecordReader(LogBatch batch)
    {
        _payload = batch.Payload.Span;
        _sources = batch.Sources;
        _position = 0;
        Current = default;
    }

    public LogRecordView Current { get; private set; }

    public bool MoveNext()
    {
        if (_position >= _payload.Length)
        {
            return false;
        }

        var span = _payload[_position..];
        if (span.Length < LogBatchWriter.RecordHeaderSize)
        {
            throw new InvalidDataException($"Log batch payload is cut inside a record header at byte {_position}.");
        }

        var sourceIndex = BinaryPrimitives.ReadUInt16LittleEndian(span);
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[20..]);
        if (length < 0 || LogBatchWriter.RecordHeaderSize + length > span.Length || sourceIndex >= _sources.Length)
        {
            throw new InvalidDataException($"Log batch payload holds a malformed record at byte {_position}.");
        }

        Current = new LogRecordView(
            _sources[sourceIndex],
            BinaryPrimitives.ReadInt64LittleEndian(span[2..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[10..]),
            (LogStream)span[18],
            (LogRecordFlags)span[19],
            span.Slice(LogBatchWriter.RecordHeaderSize, length));
        _position += LogBatchWriter.RecordHeaderSize + length;
        return true;
    }

    public readonly LogRecordReader GetEnumerator() => this;
}
