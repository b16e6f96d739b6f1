using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// One value a document holds for a field, as the stand-in indexed it: what searches compare
/// against instead of the source, so a value that was not indexed (above <c>ignore_above</c>,
/// malformed and ignored, under <c>dynamic: false</c>) is not found, as in Elasticsearch.
/// </summary>
/// <param name="Type">How the field searches.</param>
/// <param name="Text">The value as a string (a keyword's term; a text field's original text).</param>
/// <param name="Source">The value as it was in the document (for sort values).</param>
public sealed record ElasticsearchStandInIndexedValue(ElasticsearchStandInFieldType Type, string Text, JsonElement Source)
{
    /// <summary>A text field's terms with their positions.</summary>
    public IReadOnlyList<ElasticsearchStandInToken> Tokens { get; init; } = [];

    public double? Number { get; init; }

    /// <summary>A date as Unix nanoseconds.</summary>
    public long? Nanos { get; init; }
}
