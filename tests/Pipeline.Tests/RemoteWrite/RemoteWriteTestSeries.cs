using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Tests.RemoteWrite;

/// <summary>Series labels for tests: <c>__name__</c> plus name/value pairs, sorted by name as remote write requires.</summary>
public static class RemoteWriteTestSeries
{
    public static RemoteWriteLabel[] Labels(string metric, params string[] pairs)
    {
        var labels = new List<RemoteWriteLabel> { new("__name__", metric) };
        for (var i = 0; i < pairs.Length; i += 2)
        {
            labels.Add(new(pairs[i], pairs[i + 1]));
        }

        return [.. labels.OrderBy(l => l.Name, StringComparer.Ordinal)];
    }

    /// <summary>A series to hand with every sample of it, as producers do (<see cref="Labels"/> encoded once).</summary>
    public static RemoteWriteSeries Series(string metric, params string[] pairs) => RemoteWriteSeries.From(Labels(metric, pairs));

    /// <summary>The receiver's rendering of a series (<see cref="RemoteWriteReceivedSample.Series"/>).</summary>
    public static string Text(RemoteWriteSeries series) => Text(series.DecodeLabels());

    public static string Text(RemoteWriteLabel[] labels) => string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""));
}
