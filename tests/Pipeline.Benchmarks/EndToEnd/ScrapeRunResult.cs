namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>What one scraper did in the scrape bench's measured window, and its memory.</summary>
internal sealed record ScrapeRunResult(string System, long ActiveSeries)
{
    public bool Started { get; init; }

    public string? Problem { get; init; }

    public double WindowSeconds { get; init; }

    public double CpuSeconds { get; init; }

    /// <summary>Target samples served to the scraper in the window (bodies served × series per target).</summary>
    public long ScrapedSamples { get; init; }

    /// <summary>Target samples the receiver got in the window.</summary>
    public long DeliveredSamples { get; init; }

    /// <summary>Target samples served from the start to the window's end.</summary>
    public long ScrapedTotal { get; init; }

    /// <summary>Target samples received from the start to the end of the drain after the window.</summary>
    public long DeliveredTotal { get; init; }

    public long SyntheticSamples { get; init; }

    public int DistinctSeries { get; init; }

    public long IdleRss { get; init; }

    /// <summary>CPU seconds per second while every target answered 503: the fixed cost of running.</summary>
    public double IdleCpuPerSecond { get; init; }

    public long PeakRss { get; init; }

    public long EndRss { get; init; }

    public double ScrapedPerSecond => WindowSeconds > 0 ? ScrapedSamples / WindowSeconds : 0;

    public double SamplesPerCpuSecond => CpuSeconds > 0 ? ScrapedSamples / CpuSeconds : 0;

    public double PeakBytesPerSeries => (double)PeakRss / ActiveSeries;

    public double PeakOverIdleBytesPerSeries => (double)(PeakRss - IdleRss) / ActiveSeries;

    /// <summary>Delivered at least 95 % of what was scraped (the drain after the window included).</summary>
    public bool Delivered => ScrapedTotal > 0 && DeliveredTotal >= ScrapedTotal * 0.95;
}
