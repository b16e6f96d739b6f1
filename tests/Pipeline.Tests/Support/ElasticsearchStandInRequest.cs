namespace Pipeline.Tests.Support;

/// <summary>What the stand-in received in one HTTP request.</summary>
/// <param name="Method">GET, POST, PUT, HEAD…</param>
/// <param name="Path">The path, e.g. <c>/_bulk</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers, names lowercase (repeated values joined with a comma).</param>
/// <param name="BodyBytes">Bytes on the wire (compressed when gzip was used).</param>
/// <param name="DecodedBody">The body after gzip decoding, as text.</param>
/// <param name="BulkIds">For a bulk request: the <c>_id</c> of each action, in order.</param>
/// <param name="Status">The HTTP status answered (0 when the connection was dropped).</param>
public sealed record ElasticsearchStandInRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    long BodyBytes,
    string DecodedBody,
    IReadOnlyList<string?> BulkIds,
    int Status)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
