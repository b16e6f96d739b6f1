namespace Pipeline.Tests.Support;

/// <summary>A write request's <c>refresh</c> parameter (Elasticsearch's <c>WriteRequest.RefreshPolicy</c>).</summary>
internal enum ElasticsearchStandInRefreshPolicy
{
    /// <summary><c>false</c> or absent: the write becomes visible at the next periodic or explicit refresh.</summary>
    None,

    /// <summary><c>true</c> or empty: refresh the written indices before answering.</summary>
    Immediate,

    /// <summary><c>wait_for</c>: answer once a refresh has made the write visible.</summary>
    WaitFor,
}
