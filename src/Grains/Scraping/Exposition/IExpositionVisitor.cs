namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// Receives the samples of a scrape body, in body order. The sample (its labels, exemplar)
/// is only valid for the duration of the call: copy out what you keep.
/// </summary>
public interface IExpositionVisitor
{
    void OnSample(in ExpositionSample sample);

    /// <summary>
    /// Offered first for each sample of a text-format body (no exemplar): the series as written
    /// (<see cref="ExpositionSample.Series"/>), value and timestamp, before its labels are parsed. A
    /// visitor that took a sample of the very same series text before (so its labels parsed and
    /// checked then) takes this one and answers true, and the parser skips the label set; false,
    /// and the sample comes to <see cref="OnSample"/> parsed in full. As Prometheus's scrape loop
    /// reads a cached series' labels only when the cache misses.
    /// </summary>
    bool TryOnKnownSeries(ReadOnlySpan<byte> series, double value, bool hasTimestamp, long timestampMs, int line) => false;
}
