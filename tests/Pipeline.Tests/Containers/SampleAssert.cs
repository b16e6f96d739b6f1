using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Tests.Containers;

/// <summary>Looks series up in a batch of samples by name and labels.</summary>
internal static class SampleAssert
{
    /// <summary>The value of the one sample named <paramref name="name"/> with <c>id</c> = <paramref name="id"/> (and the extra label, if given).</summary>
    public static double Value(IEnumerable<RemoteWriteSample> samples, string name, string id, string? label = null, string? labelValue = null)
    {
        var matches = Find(samples, name, id, label, labelValue);
        if (matches.Count != 1)
        {
            throw new Xunit.Sdk.XunitException($"expected one {name}{{id=\"{id}\"{(label is null ? "" : $",{label}=\"{labelValue}\"")}}}, found {matches.Count}");
        }

        return matches[0].Value;
    }

    public static List<RemoteWriteSample> Find(IEnumerable<RemoteWriteSample> samples, string name, string id, string? label = null, string? labelValue = null) =>
        samples.Where(s => Label(s, "__name__") == name && Label(s, "id") == id && (label is null || Label(s, label) == labelValue)).ToList();

    public static string? Label(RemoteWriteSample sample, string name)
    {
        foreach (var label in sample.Series.DecodeLabels())
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return null;
    }

    /// <summary>The series names of the samples with <c>id</c> = <paramref name="id"/>, with their extra label, sorted.</summary>
    public static List<string> Series(IEnumerable<RemoteWriteSample> samples, string id) =>
        samples.Where(s => Label(s, "id") == id)
            .Select(s => Label(s, "__name__") + (Label(s, "device") is { } d ? $"{{device={d}}}" : "") + (Label(s, "interface") is { } i ? $"{{interface={i}}}" : ""))
            .Order(StringComparer.Ordinal)
            .ToList();
}
