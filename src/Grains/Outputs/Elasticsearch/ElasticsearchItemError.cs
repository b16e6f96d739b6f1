namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>One item of a bulk answer that is not a success: its position, status and Elasticsearch error.</summary>
internal readonly record struct ElasticsearchItemError(int Position, int Status, string Type, string Reason);
