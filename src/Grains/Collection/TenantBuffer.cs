namespace Pipeline.Grains.Collection;

/// <summary>
/// One tenant's share of a collector's buffer: bytes in its open and unacknowledged batches, and
/// the limit at which its files stop being read while other tenants' files go on.
/// </summary>
internal sealed class TenantBuffer(string tenant, long limit)
{
    public string Tenant { get; } = tenant;
    public long Limit { get; } = limit;
    public long Bytes { get; private set; }
    public long PeakBytes { get; private set; }
    public DateTimeOffset? PausedSince { get; set; }

    public void Add(long delta)
    {
        Bytes += delta;
        PeakBytes = Math.Max(PeakBytes, Bytes);
    }
}
