namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// Receives the samples of a scrape body, in body order. The sample (its labels, exemplar)
/// is only valid for the duration of the call: copy out what you keep.
/// </summary>
public interface IExpositionVisitor
{
    void OnSample(in ExpositionSample sample);
}
