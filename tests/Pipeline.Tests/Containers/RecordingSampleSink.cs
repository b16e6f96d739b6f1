using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;

namespace Pipeline.Tests.Containers;

/// <summary>Keeps every batch of samples a collector hands over, copied (the collector reuses its buffer).</summary>
internal sealed class RecordingSampleSink : IScrapeSampleSink
{
    public List<RemoteWriteSample[]> Batches { get; } = [];

    public RemoteWriteSample[] Last => Batches[^1];

    public void Append(ReadOnlySpan<RemoteWriteSample> samples) => Batches.Add(samples.ToArray());
}
