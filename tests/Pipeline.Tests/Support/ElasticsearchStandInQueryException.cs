namespace Pipeline.Tests.Support;

/// <summary>A query the stand-in cannot run; answered as Elasticsearch answers a bad query (HTTP 400).</summary>
public sealed class ElasticsearchStandInQueryException(string type, string reason) : Exception(reason)
{
    public string Type { get; } = type;
}
