using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Tests.Scraping.Exposition;

internal sealed class RecordingExpositionVisitor : IExpositionVisitor
{
    public List<RecordedSample> Samples { get; } = [];

    public void OnSample(in ExpositionSample sample)
    {
        RecordedExemplar? exemplar = null;
        if (sample.HasExemplar)
        {
            var e = sample.Exemplar;
            exemplar = new RecordedExemplar(Copy(e.Labels), e.Value, e.HasTimestamp ? e.TimestampMs : null);
        }

        Samples.Add(new RecordedSample(
            sample.Name,
            sample.FamilyName,
            sample.Type,
            sample.Help,
            sample.Unit,
            sample.Role,
            sample.Bound,
            Copy(sample.Labels),
            sample.Value,
            sample.HasTimestamp ? sample.TimestampMs : null,
            exemplar,
            sample.Line) { SeriesText = System.Text.Encoding.UTF8.GetString(sample.Series) });
    }

    private static List<KeyValuePair<string, string>> Copy(ExpositionLabels labels)
    {
        var copy = new List<KeyValuePair<string, string>>(labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            copy.Add(new(labels.GetName(i), labels.GetValue(i)));
        }

        return copy;
    }
}
