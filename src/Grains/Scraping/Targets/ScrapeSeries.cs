using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// One entry of a target's series cache: the final labels of a scraped series (after the target's
/// labels, <c>honor_labels</c> and <c>metric_relabel_configs</c>), or null when relabeling dropped it,
/// and in which scrapes it was seen. Kept small: a reference and three counters.
/// </summary>
internal sealed class ScrapeSeries
{
    public ScrapeSeries(RemoteWriteSeries labels) => Labels = labels;

    /// <summary>The series' final labels, encoded; the same series every scrape. Default: dropped by relabeling.</summary>
    public RemoteWriteSeries Labels { get; }

    /// <summary>The last scrape (any outcome) whose body had the series; a second sample in one scrape is a duplicate.</summary>
    public int Seen;

    /// <summary>The last successful scrape whose samples included the series.</summary>
    public int Good;

    /// <summary>Whether the last scrape's sample takes part in staleness (no explicit timestamp, or <c>track_timestamps_staleness</c>).</summary>
    public bool Tracked;
}
