using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Collection;

/// <summary>A batch sent (or waiting to be re-sent) and not yet acknowledged.</summary>
internal sealed class InFlightBatch
{
    public InFlightBatch(LogBatch batch, int shard, List<FollowedFile> files)
    {
        Batch = batch;
        Shard = shard;
        Files = files;
    }

    public LogBatch Batch { get; }
    public int Shard { get; }
    public List<FollowedFile> Files { get; }
    public int Attempts { get; set; }
    public bool Acknowledged { get; set; }
    public DateTimeOffset RetryAt { get; set; }
    public Task<DeliveryResult>? Sending { get; set; }
}
