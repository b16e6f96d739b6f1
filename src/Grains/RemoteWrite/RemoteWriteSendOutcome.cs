namespace Pipeline.Grains.RemoteWrite;

/// <summary>How one remote write request ended.</summary>
internal enum RemoteWriteSendOutcome
{
    /// <summary>2xx: the receiver has the samples.</summary>
    Sent,

    /// <summary>5xx, a 429 with <c>retry_on_http_429</c>, a timeout or a network error: send the same samples again.</summary>
    Retry,

    /// <summary>Any other answer (4xx, a 429 without <c>retry_on_http_429</c>, 3xx): sending again would fail the same way.</summary>
    Reject,
}
