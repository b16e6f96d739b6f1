namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Names block devices as cAdvisor's <c>device</c> label does (<c>/dev/sda</c>), from <c>/proc/partitions</c>;
/// a device it does not list keeps <c>major:minor</c>. Names are kept, so a steady node allocates none.
/// </summary>
internal sealed class BlockDeviceNames
{
    private readonly Dictionary<(int Major, int Minor), string> _names = [];

    /// <summary>Reads <c>/proc/partitions</c> again (devices come and go rarely; a collection calls this once).</summary>
    public void Load(ReadOnlySpan<byte> partitions) => CgroupFileParser.ParsePartitions(partitions, _names);

    public string Name(int major, int minor)
    {
        if (!_names.TryGetValue((major, minor), out var name))
        {
            name = $"{major}:{minor}";
            _names[(major, minor)] = name;
        }

        return name;
    }
}
