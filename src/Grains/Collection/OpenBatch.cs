using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection;

/// <summary>The batch being filled for one tenant shard.</summary>
internal sealed class OpenBatch
{
    public OpenBatch(string tenant, int shard, BatchBufferPool buffers)
    {
        Tenant = tenant;
        Shard = shard;
        Writer = new LogBatchWriter(buffers);
    }

    public string Tenant { get; }
    public int Shard { get; }
    public LogBatchWriter Writer { get; }
    public List<FollowedFile> Files { get; } = [];
    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>The tenant's byte account this batch's bytes count against.</summary>
    public TenantBuffer? Buffer { get; set; }
}
