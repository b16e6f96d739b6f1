namespace Pipeline.Tests.Support;

/// <summary>The field types the Elasticsearch stand-in distinguishes.</summary>
public enum ElasticsearchStandInFieldType
{
    /// <summary>No document of the index has the field.</summary>
    Unmapped,

    /// <summary>Exact, case-sensitive values (keyword, constant_keyword, wildcard).</summary>
    Keyword,

    /// <summary>Analysed into lowercase words.</summary>
    Text,

    /// <summary>date or date_nanos.</summary>
    Date,

    Number,
    Boolean,
    Object,
}
