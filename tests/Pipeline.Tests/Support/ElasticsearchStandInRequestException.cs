namespace Pipeline.Tests.Support;

/// <summary>
/// A request the stand-in refuses with an Elasticsearch error (status, type, reason and causes),
/// thrown where the refusal is found and answered by the request handler.
/// </summary>
public sealed class ElasticsearchStandInRequestException(int status, ElasticsearchStandInError error) : Exception(error.Reason)
{
    public int Status { get; } = status;

    public ElasticsearchStandInError Error { get; } = error;
}
