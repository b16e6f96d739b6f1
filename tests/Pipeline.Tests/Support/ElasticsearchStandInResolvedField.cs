namespace Pipeline.Tests.Support;

/// <summary>
/// A field name of a query resolved against an index's mapping: the path under which documents
/// hold its values (a key of a flattened field is <c>field.key</c>, whatever dots the key holds),
/// how it searches, and the analyzer that analyzes query text for it.
/// </summary>
/// <param name="Path">Where the values are in <see cref="ElasticsearchStandInDocument.Fields"/>.</param>
/// <param name="Kind">Keyword, Text, Number…</param>
/// <param name="SearchAnalyzer">Text fields: the search analyzer; keywords with a normalizer: the normalizer.</param>
public sealed record ElasticsearchStandInResolvedField(string Path, ElasticsearchStandInFieldType Kind, ElasticsearchStandInAnalyzer? SearchAnalyzer);
