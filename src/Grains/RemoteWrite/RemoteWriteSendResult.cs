namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// The answer to one remote write request: its outcome, the HTTP status (0 for a timeout or a
/// network error), the server's <c>Retry-After</c> if it gave one, and what went wrong.
/// </summary>
internal readonly record struct RemoteWriteSendResult(RemoteWriteSendOutcome Outcome, int StatusCode, TimeSpan? RetryAfter, string? Error);
