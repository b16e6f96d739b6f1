using System.IO.Hashing;
using System.Text;
using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// A target's series cache: the raw identity of a scraped series (metric name and exposed labels,
/// as bytes) to its <see cref="ScrapeSeries"/>, so relabeling and label arrays are made once per
/// series and the same label array is handed on every scrape. A hit builds its key in a reused
/// buffer and allocates nothing. Entries not seen for a scrape are evicted after the next
/// successful one, as Prometheus's scrape cache does. Not thread-safe.
/// </summary>
/// <remarks>
/// The identity is kept as its 128-bit XxHash (seeded per cache) rather than as the bytes: 16 bytes
/// inside the dictionary entry instead of an array of ~100 per series. Two series of one target
/// sharing a hash is a 2^-128 event per pair, and could only ever mix that target's own series.
/// </remarks>
internal sealed class ScrapeSeriesCache
{
    // 0xFF never occurs in UTF-8, so it ends every part of a key unambiguously.
    private const byte Separator = 0xFF;

    private readonly Dictionary<UInt128, ScrapeSeries> _series = [];
    private readonly ScrapeSeriesLabeler _labeler;
    private readonly long _seed = Random.Shared.NextInt64();
    private byte[] _key = new byte[1024];

    public ScrapeSeriesCache(ScrapeSeriesLabeler labeler)
    {
        _labeler = labeler;
    }

    public int Count => _series.Count;

    public ScrapeSeriesLabeler Labeler => _labeler;

    /// <summary>The series of <paramref name="sample"/>, made (labels built, relabeled, checked) when new.</summary>
    /// <exception cref="ExpositionException">A new series breaks a label limit: the scrape fails and nothing is cached.</exception>
    public ScrapeSeries GetOrAdd(in ExpositionSample sample)
    {
        var key = XxHash128.HashToUInt128(_key.AsSpan(0, WriteKey(in sample)), _seed);
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        series = new ScrapeSeries(_labeler.Build(in sample));
        _series.Add(key, series);
        return series;
    }

    /// <summary>Removes the series last seen before scrape <paramref name="iteration"/>; returns how many.</summary>
    public int EvictSeenBefore(int iteration)
    {
        var removed = 0;
        foreach (var (key, series) in _series)
        {
            if (series.Seen < iteration)
            {
                _series.Remove(key);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Gives back the room a growing dictionary reserved (up to twice its entries) once a scrape is
    /// done: a steady target keeps an eighth spare, not a half.
    /// </summary>
    public void Compact()
    {
        var count = _series.Count;
        if (_series.EnsureCapacity(0) > count + (count / 2) + 64)
        {
            _series.TrimExcess(count + (count / 8) + 16);
        }
    }

    private int WriteKey(in ExpositionSample sample)
    {
        var labels = sample.Labels;
        var max = Encoding.UTF8.GetMaxByteCount(sample.Name.Length) + 1;
        for (var i = 0; i < labels.Count; i++)
        {
            max += Encoding.UTF8.GetMaxByteCount(labels.GetName(i).Length) + labels.GetValueUtf8(i).Length + 2;
        }

        if (max > _key.Length)
        {
            _key = new byte[Math.Max(max, _key.Length * 2)];
        }

        var key = _key.AsSpan();
        var length = Encoding.UTF8.GetBytes(sample.Name, key);
        key[length++] = Separator;
        for (var i = 0; i < labels.Count; i++)
        {
            length += Encoding.UTF8.GetBytes(labels.GetName(i), key[length..]);
            key[length++] = Separator;
            var value = labels.GetValueUtf8(i);
            value.CopyTo(key[length..]);
            length += value.Length;
            key[length++] = Separator;
        }

        return length;
    }
}
