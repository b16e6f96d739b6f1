using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;

namespace Pipeline.Benchmarks.Containers;

/// <summary>Takes a collection's samples as a remote write queue would (reads each), keeping nothing.</summary>
internal sealed class CountingContainerSink : IScrapeSampleSink
{
    public long Samples { get; private set; }

    public double Sum { get; private set; }

    public void Append(ReadOnlySpan<RemoteWriteSample> samples)
    {
        foreach (var sample in samples)
        {
            Samples++;
            Sum += sample.Value;
        }
    }
}
