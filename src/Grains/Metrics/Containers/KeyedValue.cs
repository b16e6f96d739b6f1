namespace Pipeline.Grains.Metrics.Containers;

/// <summary>What looking a key up in a keyed cgroup or procfs file found.</summary>
internal enum KeyedValue
{
    Found,
    Missing,
    Garbage,
}
