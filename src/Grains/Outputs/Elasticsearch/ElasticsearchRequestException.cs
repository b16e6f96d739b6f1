namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Elasticsearch could not take a request: it was unreachable, too slow, refused the
/// credentials, answered an error for the whole request, or kept rejecting items after every
/// retry. The message says which and what to do; nothing is lost, the caller retries.
/// </summary>
public sealed class ElasticsearchRequestException : Exception
{
    public ElasticsearchRequestException(string message, int? status = null, string? errorType = null, Exception? inner = null, string? blockReason = null)
        : base(message, inner)
    {
        Status = status;
        ErrorType = errorType;
        BlockReason = blockReason;
    }

    public ElasticsearchRequestException()
    {
    }

    public ElasticsearchRequestException(string message)
        : base(message)
    {
    }

    public ElasticsearchRequestException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The HTTP status of the failed request, null when there was no answer.</summary>
    public int? Status { get; }

    /// <summary>
    /// Set when nothing can be delivered until someone changes the configuration or the cluster
    /// (<c>unauthorized</c>, <c>forbidden</c>, <c>template_refused</c>, <c>index_unavailable</c>), as
    /// opposed to an outage that passes by itself.
    /// </summary>
    public string? BlockReason { get; }

    /// <summary>Elasticsearch's error type (<c>security_exception</c>, <c>es_rejected_execution_exception</c>…), when it gave one.</summary>
    public string? ErrorType { get; }
}
