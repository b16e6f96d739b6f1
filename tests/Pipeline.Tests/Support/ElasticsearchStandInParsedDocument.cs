namespace Pipeline.Tests.Support;

/// <summary>
/// What indexing a document gave: its indexed values by field path and the fields Elasticsearch
/// would list in <c>_ignored</c>, or the error the document is refused with (and its HTTP status).
/// </summary>
public sealed record ElasticsearchStandInParsedDocument(
    IReadOnlyDictionary<string, IReadOnlyList<ElasticsearchStandInIndexedValue>> Fields,
    IReadOnlyList<string> Ignored,
    ElasticsearchStandInError? Error)
{
    public static ElasticsearchStandInParsedDocument Refused(ElasticsearchStandInError error) =>
        new(new Dictionary<string, IReadOnlyList<ElasticsearchStandInIndexedValue>>(), [], error);
}
