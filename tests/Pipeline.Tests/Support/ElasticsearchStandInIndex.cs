namespace Pipeline.Tests.Support;

/// <summary>One index of the stand-in: its documents by <c>_id</c>, its mapping and settings.</summary>
public sealed class ElasticsearchStandInIndex(string name, ElasticsearchStandInMapping mapping)
{
    public string Name { get; } = name;

    public ElasticsearchStandInMapping Mapping { get; } = mapping;

    public ElasticsearchStandInIndexSettings Settings => Mapping.Settings;

    /// <summary>The data stream this index backs (its name is then <c>.ds-{stream}-{date}-000001</c>), or null.</summary>
    public string? DataStream { get; init; }

    /// <summary>The index template it was created from, or null.</summary>
    public string? Template { get; init; }

    internal Dictionary<string, ElasticsearchStandInDocument> Documents { get; } = new(StringComparer.Ordinal);
}
