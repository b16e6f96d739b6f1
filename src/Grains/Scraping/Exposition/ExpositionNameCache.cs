using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// Interns metric names, label names and HELP texts across the scrapes of one target, so a
/// steady target allocates no strings. Bounded: once full, new names are not kept (they are
/// still returned) and the next scrape starts from an empty cache to learn the current set.
/// Not thread-safe; one per target, like the parser.
/// </summary>
public sealed class ExpositionNameCache
{
    /// <summary>Default <see cref="Capacity"/>: a node exporter has some 500 distinct names and HELP texts.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>Longer texts are not cached (a huge HELP is not worth keeping).</summary>
    public const int MaxCachedBytes = 512;

    private readonly int[] _hashes;
    private readonly byte[]?[] _keys;
    private readonly string?[] _values;
    private readonly int _mask;
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64();

    public ExpositionNameCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        Capacity = capacity;
        var slots = (int)BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _hashes = new int[slots];
        _keys = new byte[]?[slots];
        _values = new string?[slots];
        _mask = slots - 1;
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    /// <summary>Lookups that had to allocate a string this scrape because the cache was full.</summary>
    public int Overflows { get; private set; }

    /// <summary>Called once per scrape: a cache that overflowed last time is emptied to relearn.</summary>
    public void BeginScrape()
    {
        if (Overflows > 0)
        {
            Array.Clear(_hashes);
            Array.Clear(_keys);
            Array.Clear(_values);
            Count = 0;
            Overflows = 0;
        }
    }

    /// <summary>The string of <paramref name="utf8"/>, the same instance every time it is cached.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = Hash(utf8);
        var slot = hash & _mask;
        while (true)
        {
            var stored = _hashes[slot];
            if (stored == 0)
            {
                break;
            }

            if (stored == hash && utf8.SequenceEqual(_keys[slot]))
            {
                return _values[slot]!;
            }

            slot = (slot + 1) & _mask;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (Count >= Capacity)
        {
            Overflows++;
            return value;
        }

        _hashes[slot] = hash;
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        Count++;
        return value;
    }

    // Seeded per cache, so a target cannot pick names that collide everywhere; never 0 (0 marks a free slot).
    private int Hash(ReadOnlySpan<byte> data)
    {
        const ulong Prime = 0x9E3779B97F4A7C15UL;
        var h = _seed ^ ((ulong)data.Length * Prime);
        while (data.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * Prime, 31);
            data = data[8..];
        }

        if (!data.IsEmpty)
        {
            ulong tail = 0;
            for (var i = 0; i < data.Length; i++)
            {
                tail |= (ulong)data[i] << (8 * i);
            }

            h = BitOperations.RotateLeft((h ^ tail) * Prime, 31);
        }

        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        var result = (int)h;
        return result == 0 ? 1 : result;
    }
}
