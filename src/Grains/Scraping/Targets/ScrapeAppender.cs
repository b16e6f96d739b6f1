using System.Buffers;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Receives a scrape body's samples from the parser and holds them in a pooled buffer until the
/// scrape is known to have succeeded; keeps the set of series of the last good scrape for
/// staleness markers. Applies <c>honor_timestamps</c>, <c>track_timestamps_staleness</c> and
/// <c>sample_limit</c> (counted after metric relabeling, as in Prometheus). Not thread-safe.
/// </summary>
internal sealed class ScrapeAppender : IExpositionVisitor
{
    private const int MinBufferSamples = 256;

    // Room for the markers of vanished series and the synthetic series, so most commits never grow the buffer.
    private const int Headroom = 64;

    private readonly ScrapeSeriesCache _cache;
    private readonly bool _honorTimestamps;
    private readonly bool _trackTimestampsStaleness;
    private readonly int _sampleLimit;

    private RemoteWriteSample[]? _buffer;
    private int _count;
    private int _lastCount;

    // The series of this scrape's samples, and those of the last good scrape that take part in staleness.
    private ScrapeSeries[] _current = new ScrapeSeries[64];
    private int _currentCount;
    private ScrapeSeries[] _previous = new ScrapeSeries[64];
    private int _previousCount;

    private int _iteration;
    private int _lastGood;
    private long _timestampMs;

    public ScrapeAppender(ScrapeSeriesCache cache, bool honorTimestamps, bool trackTimestampsStaleness, int sampleLimit)
    {
        _cache = cache;
        _honorTimestamps = honorTimestamps;
        _trackTimestampsStaleness = trackTimestampsStaleness;
        _sampleLimit = sampleLimit;
    }

    /// <summary>Samples in the body (<c>scrape_samples_scraped</c>).</summary>
    public int Scraped { get; private set; }

    /// <summary>Samples kept after metric relabeling (<c>scrape_samples_post_metric_relabeling</c>).</summary>
    public int Accepted { get; private set; }

    /// <summary>Series not in the last good scrape (<c>scrape_series_added</c>).</summary>
    public int Added { get; private set; }

    /// <summary>Second samples of a series in one body, dropped (Prometheus refuses them as duplicates).</summary>
    public int Duplicates { get; private set; }

    /// <summary>Series of the last good scrape that get a staleness marker when they vanish.</summary>
    public int TrackedSeries => _previousCount;

    /// <summary>What is buffered, in order: samples, then whatever <see cref="Add"/> appended.</summary>
    public ReadOnlySpan<RemoteWriteSample> Buffered => _buffer.AsSpan(0, _count);

    /// <summary>Starts a scrape whose samples without a timestamp carry <paramref name="timestampMs"/>; rents the buffer.</summary>
    public void Begin(long timestampMs)
    {
        _iteration++;
        _timestampMs = timestampMs;
        Scraped = 0;
        Accepted = 0;
        Added = 0;
        Duplicates = 0;
        _currentCount = 0;
        Rent();
    }

    public void OnSample(in ExpositionSample sample)
    {
        Scraped++;
        Take(_cache.GetOrAdd(in sample), sample.Value, sample.HasTimestamp, sample.TimestampMs, sample.Line);
    }

    /// <summary>The steady path: a series already in the cache takes its sample without its labels being parsed.</summary>
    public bool TryOnKnownSeries(ReadOnlySpan<byte> series, double value, bool hasTimestamp, long timestampMs, int line)
    {
        if (_cache.Find(series) is not { } known)
        {
            return false;
        }

        Scraped++;
        Take(known, value, hasTimestamp, timestampMs, line);
        return true;
    }

    private void Take(ScrapeSeries series, double value, bool hasTimestamp, long timestampMs, int line)
    {
        if (series.Seen == _iteration)
        {
            Duplicates++;
            return;
        }

        series.Seen = _iteration;
        var labels = series.Labels;
        if (labels.IsDefault)
        {
            return;
        }

        if (_sampleLimit > 0 && Accepted >= _sampleLimit)
        {
            throw new ExpositionException(new ExpositionError(
                ExpositionErrorKind.SampleLimit,
                $"sample_limit exceeded (more than {_sampleLimit} samples after metric_relabel_configs)",
                line));
        }

        Accepted++;
        if (_lastGood == 0 || series.Good != _lastGood)
        {
            Added++;
        }

        var explicitTimestamp = _honorTimestamps && hasTimestamp;
        series.Tracked = !explicitTimestamp || _trackTimestampsStaleness;
        Add(new RemoteWriteSample(labels, explicitTimestamp ? timestampMs : _timestampMs, value));
        if (_currentCount == _current.Length)
        {
            Array.Resize(ref _current, _current.Length * 2);
        }

        _current[_currentCount++] = series;
    }

    /// <summary>Appends a sample after the scraped ones (a staleness marker, a synthetic series).</summary>
    public void Add(in RemoteWriteSample sample)
    {
        var buffer = _buffer!;
        if (_count == buffer.Length)
        {
            var grown = ArrayPool<RemoteWriteSample>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, _count).CopyTo(grown);
            Return(buffer, _count);
            _buffer = buffer = grown;
        }

        buffer[_count++] = sample;
    }

    /// <summary>
    /// The scrape succeeded: keeps its samples, adds markers (at the scrape's time) for the tracked
    /// series of the last good scrape that are gone, remembers this scrape's series, and evicts
    /// series seen neither now nor in the last good scrape.
    /// </summary>
    public void CommitGood()
    {
        for (var i = 0; i < _currentCount; i++)
        {
            _current[i].Good = _iteration;
        }

        for (var i = 0; i < _previousCount; i++)
        {
            var series = _previous[i];
            if (series.Good != _iteration || !series.Tracked)
            {
                Add(new RemoteWriteSample(series.Labels, _timestampMs, StaleMarker.Value));
            }
        }

        // This scrape's tracked series become the previous set; the old array is reused next time.
        var stale = _previous;
        var staleCount = _previousCount;
        var kept = 0;
        for (var i = 0; i < _currentCount; i++)
        {
            if (_current[i].Tracked)
            {
                _current[kept++] = _current[i];
            }
        }

        Array.Clear(_current, kept, _currentCount - kept);
        Array.Clear(stale, 0, staleCount);
        _previous = _current;
        _previousCount = kept;
        _current = stale;
        _currentCount = 0;

        var previousGood = _lastGood;
        _lastGood = _iteration;
        if (_cache.Count > Scraped - Duplicates)
        {
            _cache.EvictSeenBefore(previousGood);
        }

        _cache.Compact();
    }

    /// <summary>The scrape failed: drops its samples and adds markers (at its time) for every series of the last good scrape.</summary>
    public void CommitFailed()
    {
        Array.Clear(_buffer!, 0, _count);
        _count = 0;
        Array.Clear(_current, 0, _currentCount);
        _currentCount = 0;
        MarkAllStale(_timestampMs);
    }

    /// <summary>Adds markers at <paramref name="timestampMs"/> for every series of the last good scrape, and forgets them.</summary>
    public void MarkAllStale(long timestampMs)
    {
        for (var i = 0; i < _previousCount; i++)
        {
            Add(new RemoteWriteSample(_previous[i].Labels, timestampMs, StaleMarker.Value));
        }

        Array.Clear(_previous, 0, _previousCount);
        _previousCount = 0;
    }

    /// <summary>Rents a buffer sized for the last scrape (done by <see cref="Begin"/>; call it alone for markers outside a scrape).</summary>
    public void Rent()
    {
        Release();
        _buffer = ArrayPool<RemoteWriteSample>.Shared.Rent(Math.Max(MinBufferSamples, _lastCount + _previousCount + Headroom));
        _count = 0;
    }

    /// <summary>Gives the buffer back (its label references cleared, so the pool keeps no series alive).</summary>
    public void Release()
    {
        if (_buffer is { } buffer)
        {
            _lastCount = Math.Max(_count, Scraped);
            Return(buffer, _count);
            _buffer = null;
            _count = 0;
        }
    }

    private static void Return(RemoteWriteSample[] buffer, int used)
    {
        Array.Clear(buffer, 0, used);
        ArrayPool<RemoteWriteSample>.Shared.Return(buffer);
    }
}
