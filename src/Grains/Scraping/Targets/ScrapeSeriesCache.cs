using System.IO.Hashing;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// A target's series cache: the raw identity of a scraped series (its text in the body, metric name
/// through label set, <see cref="ExpositionSample.Series"/>) to its <see cref="ScrapeSeries"/>, so
/// relabeling and label encoding happen once per series and the same series object is handed on
/// every scrape. A hit hashes the text where the parser found it and allocates nothing, as
/// Prometheus's scrape cache keys on the series bytes of the line. Entries not seen for a scrape are
/// evicted after the next successful one. Not thread-safe.
/// </summary>
/// <remarks>
/// The identity is kept as its 128-bit XxHash (seeded per cache) rather than as the bytes: 16 bytes
/// inside the dictionary entry instead of an array of ~100 per series. Two series of one target
/// sharing a hash is a 2^-128 event per pair, and could only ever mix that target's own series.
/// One series written two ways (labels in another order) gets two entries with equal labels, as in
/// Prometheus; an exporter writes a series the same way every time.
/// </remarks>
internal sealed class ScrapeSeriesCache
{
    private readonly Dictionary<UInt128, ScrapeSeries> _series = [];
    private readonly ScrapeSeriesLabeler _labeler;
    private readonly MetricMetadataRegistry? _metadata;
    private readonly long _seed = Random.Shared.NextInt64();

    /// <param name="labeler">Makes a new series' labels.</param>
    /// <param name="metadata">Where the family of a new series is reported (type, help, unit), if anywhere.</param>
    public ScrapeSeriesCache(ScrapeSeriesLabeler labeler, MetricMetadataRegistry? metadata = null)
    {
        _labeler = labeler;
        _metadata = metadata;
    }

    public int Count => _series.Count;

    public ScrapeSeriesLabeler Labeler => _labeler;

    /// <summary>The cached series written as <paramref name="seriesText"/>, if a scrape saw it before.</summary>
    public ScrapeSeries? Find(ReadOnlySpan<byte> seriesText) =>
        _series.GetValueOrDefault(XxHash128.HashToUInt128(seriesText, _seed));

    /// <summary>The series of <paramref name="sample"/>, made (labels built, relabeled, checked) when new.</summary>
    /// <exception cref="ExpositionException">A new series breaks a label limit: the scrape fails and nothing is cached.</exception>
    public ScrapeSeries GetOrAdd(in ExpositionSample sample)
    {
        var key = XxHash128.HashToUInt128(sample.Series, _seed);
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        series = new ScrapeSeries(_labeler.Build(in sample));
        _metadata?.Report(sample.FamilyName, sample.Type, sample.Help, sample.Unit);
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
}
