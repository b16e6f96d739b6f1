using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Batching;

/// <summary>
/// Batch payload buffers kept for reuse. Payloads are large (the large object heap, collected only
/// by full GCs), so allocating one per batch made memory grow with throughput; with reuse, the
/// buffers in use are bounded by the batches in flight. Holds at most <c>maxPooled</c> buffers.
/// </summary>
public sealed class BatchBufferPool(int bufferBytes, int maxPooled)
{
    private readonly ConcurrentBag<byte[]> _buffers = [];

    public byte[] Rent() => _buffers.TryTake(out var buffer) ? buffer : new byte[bufferBytes];

    /// <summary>Takes back the payload of a batch that nobody reads any more (acknowledged by its receiver).</summary>
    public void Return(LogBatch batch)
    {
        if (MemoryMarshal.TryGetArray(batch.Payload, out var segment) && segment.Array is { } array &&
            array.Length >= bufferBytes && _buffers.Count < maxPooled)
        {
            _buffers.Add(array);
        }
    }
}
