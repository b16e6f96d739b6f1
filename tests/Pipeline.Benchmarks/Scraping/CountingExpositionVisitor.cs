using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Benchmarks.Scraping;

/// <summary>Touches what a scrape loop would read from each sample, so nothing is optimised away.</summary>
internal sealed class CountingExpositionVisitor : IExpositionVisitor
{
    public long Samples { get; private set; }

    public long LabelBytes { get; private set; }

    public double Sum { get; private set; }

    public void OnSample(in ExpositionSample sample)
    {
        Samples++;
        Sum += sample.Value;
        var labels = sample.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            LabelBytes += labels.GetName(i).Length + labels.GetValueUtf8(i).Length;
        }
    }
}
