using System.Text;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection;

namespace Pipeline.Tests.Collection;

/// <summary>An aggregator stand-in: every send waits until the test acknowledges or fails it.</summary>
internal sealed class RecordingSender : ILogBatchSender
{
    private readonly List<(LogBatch Batch, TaskCompletionSource<DeliveryResult> Answer)> _pending = [];

    public List<LogBatch> Delivered { get; } = [];
    public int Sends { get; private set; }
    public int Pending => _pending.Count;

    /// <summary>Answer every send at once instead of waiting for the test.</summary>
    public bool AutoAcknowledge { get; set; }

    public Task<DeliveryResult> SendAsync(string tenant, int shard, LogBatch batch)
    {
        // A remote receiver gets a serialized copy; the sender reuses its payload buffer once acknowledged.
        batch = new LogBatch { Tenant = batch.Tenant, Node = batch.Node, Sources = batch.Sources, Payload = batch.Payload.ToArray(), Count = batch.Count, Sequence = batch.Sequence };
        Sends++;
        if (AutoAcknowledge)
        {
            Delivered.Add(batch);
            return Task.FromResult(DeliveryResult.Success);
        }

        var answer = new TaskCompletionSource<DeliveryResult>();
        _pending.Add((batch, answer));
        return answer.Task;
    }

    /// <summary>File keys of the records in batches not yet answered.</summary>
    public IEnumerable<string> PendingKeys() => _pending.SelectMany(p => p.Batch.Sources).Select(s => s.FileKey).Distinct();

    public void AcknowledgeAll() => AcknowledgeWhere(_ => true);

    /// <summary>Answers the pending sends whose batch matches, leaving the others waiting (a store that is stuck for one tenant).</summary>
    public void AcknowledgeWhere(Func<LogBatch, bool> which)
    {
        foreach (var (batch, answer) in _pending.Where(p => which(p.Batch)).ToList())
        {
            Delivered.Add(batch);
            answer.SetResult(DeliveryResult.Success);
            _pending.RemoveAll(p => ReferenceEquals(p.Batch, batch));
        }
    }

    public void FailAll(string error)
    {
        foreach (var (_, answer) in _pending)
        {
            answer.SetResult(DeliveryResult.Failed(error));
        }

        _pending.Clear();
    }

    public List<string> DeliveredMessages(string? tenant = null)
    {
        var messages = new List<string>();
        foreach (var batch in Delivered.Where(b => tenant is null || b.Tenant == tenant))
        {
            foreach (var record in new LogRecordReader(batch))
            {
                messages.Add(Encoding.UTF8.GetString(record.Message));
            }
        }

        return messages;
    }
}
