using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>One document the stand-in holds.</summary>
/// <param name="Index">Its index (for a data stream, the backing index).</param>
/// <param name="Id">Its <c>_id</c>.</param>
/// <param name="Source">The document as sent.</param>
/// <param name="Sequence">Order of arrival over the whole stand-in (ties in a sort are broken by it, like index order).</param>
/// <param name="Version">1 when created, one more for each overwrite by <c>index</c>.</param>
public sealed record ElasticsearchStandInDocument(string Index, string Id, JsonElement Source, long Sequence, int Version)
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<ElasticsearchStandInIndexedValue>> NoFields =
        new Dictionary<string, IReadOnlyList<ElasticsearchStandInIndexedValue>>();

    /// <summary>What searches see: the values indexed for each field path.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ElasticsearchStandInIndexedValue>> Fields { get; init; } = NoFields;

    /// <summary>The fields Elasticsearch lists in the hit's <c>_ignored</c> (over <c>ignore_above</c>, malformed, over the field limit).</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>A top-level string member of the source, or null.</summary>
    public string? this[string member] =>
        Source.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Its <c>_seq_no</c> in its index (from 0; Elasticsearch counts per shard, the same for one shard).</summary>
    public long SeqNo { get; init; }
}
