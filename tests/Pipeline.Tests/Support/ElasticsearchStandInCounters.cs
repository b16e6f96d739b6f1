namespace Pipeline.Tests.Support;

/// <summary>What the stand-in has counted since it started.</summary>
public sealed record ElasticsearchStandInCounters
{
    public long Requests { get; init; }
    public long BulkRequests { get; init; }
    public long BulkItems { get; init; }
    public long Created { get; init; }
    public long Conflicts { get; init; }

    /// <summary>Bulk items answered with any other error (429, 5xx, 400…).</summary>
    public long ItemErrors { get; init; }

    /// <summary>Requests answered by a whole-request fault, refused for credentials, or dropped.</summary>
    public long FailedRequests { get; init; }

    public long GzipRequests { get; init; }
    public long Searches { get; init; }
    public long TemplatePuts { get; init; }
    public long InfoRequests { get; init; }
}
