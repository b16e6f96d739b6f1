using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection;

/// <summary>The batch being filled for one tenant shard.</summary>
internal sealed class OpenBatch
{
    public OpenBatch(string tenant, int shard)
    {
        Tenant = tenant;
        Shard = shard;
    }

    public string Tenant { get; }
    public int Shard { get; }
    public LogBatchWriter Writer { get; } = new();
    public List<FollowedFile> Files { get; } = [];
    public DateTimeOffset OpenedAt { get; set; }
}
