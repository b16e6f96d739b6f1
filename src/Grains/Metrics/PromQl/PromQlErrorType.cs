namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>The <c>errorType</c> strings of Prometheus's HTTP API, so a client (Grafana) shows our errors as it shows Prometheus's.</summary>
public static class PromQlErrorType
{
    /// <summary>The query or a parameter cannot be parsed, or uses a construct this engine does not support (HTTP 400).</summary>
    public const string BadData = "bad_data";

    /// <summary>The query parsed but failed while running (HTTP 422).</summary>
    public const string Execution = "execution";

    /// <summary>The query ran longer than its timeout (HTTP 503).</summary>
    public const string Timeout = "timeout";

    /// <summary>The caller gave up on the query (HTTP 503).</summary>
    public const string Canceled = "canceled";
}
