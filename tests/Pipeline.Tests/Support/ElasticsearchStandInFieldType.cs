namespace Pipeline.Tests.Support;

/// <summary>The field types the Elasticsearch stand-in distinguishes when it searches.</summary>
public enum ElasticsearchStandInFieldType
{
    /// <summary>The mapping has no such field (no document brought it, or dynamic mapping was off).</summary>
    Unmapped,

    /// <summary>Exact, case-sensitive values (keyword, constant_keyword, wildcard, ip; and each key of a flattened field).</summary>
    Keyword,

    /// <summary>Analysed into terms by the field's analyzer (text, match_only_text).</summary>
    Text,

    /// <summary>date or date_nanos.</summary>
    Date,

    Number,
    Boolean,
    Object,

    /// <summary>A flattened field itself: its leaf values as keywords.</summary>
    Flattened,
}
