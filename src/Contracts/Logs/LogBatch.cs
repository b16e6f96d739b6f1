namespace Pipeline.Contracts.Logs;

/// <summary>
/// A batch of log records on its way from a node collector to an aggregator.
/// Records travel packed in <see cref="Payload"/> (see <c>LogBatchWriter</c> in the grains
/// assembly for the layout) so a batch of thousands of lines costs one byte array to
/// serialize; <c>[Immutable]</c> spares the deep copy on same-silo calls.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.LogBatch")]
public sealed class LogBatch
{
    /// <summary>Tenant the records belong to; it picks the aggregator.</summary>
    [Id(0)] public required string Tenant { get; init; }

    /// <summary>Node whose collector read the records.</summary>
    [Id(1)] public required string Node { get; init; }

    /// <summary>Files the records came from; records refer to them by index.</summary>
    [Id(2)] public required LogSource[] Sources { get; init; }

    /// <summary>
    /// Packed records. On the sender's silo this is a pooled buffer that the sender reuses once the
    /// batch is acknowledged: a receiver must not keep it after it answered.
    /// </summary>
    [Id(3)] public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Number of records in <see cref="Payload"/>.</summary>
    [Id(4)] public required int Count { get; init; }

    /// <summary>Collector-assigned sequence number, for logs and acknowledgements.</summary>
    [Id(5)] public long Sequence { get; init; }
}
