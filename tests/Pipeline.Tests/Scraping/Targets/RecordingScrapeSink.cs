using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Targets;

namespace Pipeline.Tests.Scraping.Targets;

/// <summary>Keeps what a scraper hands on: each Append call as one batch.</summary>
internal sealed class RecordingScrapeSink : IScrapeSampleSink
{
    private readonly object _gate = new();
    private readonly List<RemoteWriteSample[]> _batches = [];

    public IReadOnlyList<RemoteWriteSample[]> Batches
    {
        get
        {
            lock (_gate)
            {
                return [.. _batches];
            }
        }
    }

    public RemoteWriteSample[] Last => Batches[^1];

    public void Append(ReadOnlySpan<RemoteWriteSample> samples)
    {
        lock (_gate)
        {
            _batches.Add(samples.ToArray());
        }
    }

    /// <summary>The series of a batch as Prometheus writes them (<c>name{a="1", b="2"}</c>, target labels included), with their values.</summary>
    public static Dictionary<string, double> Series(IEnumerable<RemoteWriteSample> batch) =>
        batch.ToDictionary(s => Name(s.Series), s => s.Value, StringComparer.Ordinal);

    public static string Name(RemoteWriteSeries series)
    {
        var labels = series.DecodeLabels();
        var name = labels.FirstOrDefault(l => l.Name == "__name__").Value;
        var rest = labels.Where(l => l.Name != "__name__").Select(l => $"{l.Name}=\"{l.Value}\"");
        return $"{name}{{{string.Join(", ", rest)}}}";
    }

    public static bool IsStale(RemoteWriteSample sample) => StaleMarker.Is(sample.Value);
}
