using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Scraping;

/// <summary>
/// Where a scrape's samples go once the scrape succeeded (remote_write queues, the metric store).
/// Called from any thread; must not block. A sample's label array is sorted by name (ordinal) and
/// is reused for the series from scrape to scrape: a sink may key caches on its reference, never
/// change it.
/// </summary>
public interface IScrapeSampleSink
{
    void Append(ReadOnlySpan<RemoteWriteSample> samples);
}
