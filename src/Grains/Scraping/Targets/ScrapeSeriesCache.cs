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
internal sealed class ScrapeSeriesCache
{
    // 0xFF never occurs in UTF-8, so it ends every part of a key unambiguously.
    private const byte Separator = 0xFF;

    private readonly Dictionary<byte[], ScrapeSeries> _series;
    private readonly Dictionary<byte[], ScrapeSeries>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly ScrapeSeriesLabeler _labeler;
    private byte[] _key = new byte[1024];

    public ScrapeSeriesCache(ScrapeSeriesLabeler labeler)
    {
        _labeler = labeler;
        _series = new Dictionary<byte[], ScrapeSeries>(new ScrapeSeriesKeyComparer());
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _series.Count;

    public ScrapeSeriesLabeler Labeler => _labeler;

    /// <summary>The series of <paramref name="sample"/>, made (labels built, relabeled, checked) when new.</summary>
    /// <exception cref="ExpositionException">A new series breaks a label limit: the scrape fails and nothing is cached.</exception>
    public ScrapeSeries GetOrAdd(in ExpositionSample sample)
    {
        var key = _key.AsSpan(0, WriteKey(in sample));
        if (_lookup.TryGetValue(key, out var series))
        {
            return series;
        }

        series = new ScrapeSeries(_labeler.Build(in sample));
        _lookup.TryAdd(key, series);
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

        if (removed > 0)
        {
            _labeler.Trim(_series.Count);
            if (_series.Count < _series.EnsureCapacity(0) / 4)
            {
                _series.TrimExcess();
            }
        }

        return removed;
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
