namespace Pipeline.Grains.RemoteWrite;

/// <summary>One label of a series: a name and its value, as remote write sends them.</summary>
public readonly record struct RemoteWriteLabel(string Name, string Value);
