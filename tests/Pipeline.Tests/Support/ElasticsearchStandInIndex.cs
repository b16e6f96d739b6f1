namespace Pipeline.Tests.Support;

/// <summary>One index of the stand-in: its documents by <c>_id</c> and its mapping.</summary>
public sealed class ElasticsearchStandInIndex(string name, ElasticsearchStandInMapping mapping)
{
    public string Name { get; } = name;

    public ElasticsearchStandInMapping Mapping { get; } = mapping;

    internal Dictionary<string, ElasticsearchStandInDocument> Documents { get; } = new(StringComparer.Ordinal);
}
