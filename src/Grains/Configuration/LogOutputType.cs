namespace Pipeline.Grains.Configuration;

/// <summary>Where an output writes.</summary>
public enum LogOutputType
{
    /// <summary>The SQLite store under <c>data_dir</c>, searchable through the HTTP API.</summary>
    Embedded,

    /// <summary>Acknowledges and discards; for benchmarks.</summary>
    Null,

    /// <summary>Bulk writes to Elasticsearch daily indices (see <see cref="Outputs.Elasticsearch.ElasticsearchLogOutput"/>).</summary>
    Elasticsearch,
}
