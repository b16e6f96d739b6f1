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
        SourceMetadataJson? metadata = null;
        Dictionary<LogSource, SourceMetadataJson?>? encoded = null;
        while (reader.MoveNext())
        {
            var record = reader.Current;
            var length = LogBatchWriter.RecordHeaderSize + record.Message.Length;
            var message = payload.Slice(position + LogBatchWriter.RecordHeaderSize, record.Message.Length);
            var source = record.Source;
            if (LogEvent.HasPodMetadata(source) && !ReferenceEquals(metadata?.Source, source))
            {
                // Pod metadata is encoded once per source and batch; records of one file mostly come in runs.
                encoded ??= new Dictionary<LogSource, SourceMetadataJson?>(ReferenceEqualityComparer.Instance);
                if (!encoded.TryGetValue(source, out metadata))
                {
                    metadata = SourceMetadataJson.For(source);
                    encoded.Add(source, metadata);
                }
            }

            events.Add(new LogEvent(batch.Tenant, source, record.Offset, record.TimeUnixNanos, record.Stream, record.Flags, message)
            {
                SourceMetadata = ReferenceEquals(metadata?.Source, source) ? metadata : null,
            });
            position += length;
        }

        return events;
    }
}
