using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Processing;

/// <summary>Turns a <see cref="LogBatch"/> into the events the filters and outputs work on.</summary>
public static class LogEventBatch
{
    /// <summary>
    /// One event per packed record, in batch order. The events' messages point into the batch's
    /// payload, so they are valid only as long as the batch is.
    /// </summary>
    public static List<LogEvent> Read(LogBatch batch)
    {
        var events = new List<LogEvent>(batch.Count);
        var payload = batch.Payload;
        var reader = new LogRecordReader(batch);
        var position = 0;
        while (reader.MoveNext())
        {
            var record = reader.Current;
            var length = LogBatchWriter.RecordHeaderSize + record.Message.Length;
            var message = payload.Slice(position + LogBatchWriter.RecordHeaderSize, record.Message.Length);
            events.Add(new LogEvent(batch.Tenant, record.Source, record.Offset, record.TimeUnixNanos, record.Stream, record.Flags, message));
            position += length;
        }

        return events;
    }
}
