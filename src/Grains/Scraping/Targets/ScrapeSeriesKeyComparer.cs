using System.IO.Hashing;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Compares the raw identities of scraped series (metric name and exposed labels as bytes), and
/// looks them up by span so a cache hit allocates nothing. Seeded per cache so a target cannot
/// choose series that collide.
/// </summary>
internal sealed class ScrapeSeriesKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    private readonly long _seed = Random.Shared.NextInt64();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = XxHash3.HashToUInt64(alternate, _seed);
        return (int)hash ^ (int)(hash >> 32);
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
