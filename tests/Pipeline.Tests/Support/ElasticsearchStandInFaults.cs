using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>One item of a bulk request, as a fault rule sees it.</summary>
/// <param name="Action">create, index, delete or update.</param>
/// <param name="Index">The target index.</param>
/// <param name="Id">The <c>_id</c> of the action line, null when the server would generate one.</param>
/// <param name="Source">The document (default when the line was not JSON, or for delete).</param>
public sealed record StandInBulkItem(string Action, string Index, string? Id, JsonElement Source)
{
    /// <summary>A top-level string member of the document, or null.</summary>
    public string? this[string member] =>
        Source.ValueKind == JsonValueKind.Object && Source.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>What the stand-in received in one HTTP request.</summary>
/// <param name="Method">GET, POST, PUT, HEAD…</param>
/// <param name="Path">The path, e.g. <c>/_bulk</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers, names lowercase (repeated values joined with a comma).</param>
/// <param name="BodyBytes">Bytes on the wire (compressed when gzip was used).</param>
/// <param name="DecodedBody">The body after gzip decoding, as text.</param>
/// <param name="BulkIds">For a bulk request: the <c>_id</c> of each action, in order.</param>
/// <param name="Status">The HTTP status answered (0 when the connection was dropped).</param>
public sealed record StandInRequest(
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

/// <summary>Makes matching bulk items fail with an Elasticsearch per-item error, for a number of times.</summary>
internal sealed class StandInItemFault
{
    public required Func<StandInBulkItem, bool> Match { get; init; }
    public required int Status { get; init; }
    public required string ErrorType { get; init; }
    public required string Reason { get; init; }

    /// <summary>Items it may still fail; <see cref="int.MaxValue"/> is forever.</summary>
    public int Remaining { get; set; }
}

/// <summary>Makes matching whole requests fail (a status, a dropped connection) or answer late, for a number of times.</summary>
internal sealed class StandInRequestFault
{
    public required Func<string, string, bool> Match { get; init; }

    /// <summary>The status to answer with; 0 to answer normally (after <see cref="Delay"/>).</summary>
    public int Status { get; init; }

    public string ErrorType { get; init; } = "exception";
    public string Reason { get; init; } = "";

    /// <summary>Drop the connection without an answer.</summary>
    public bool Abort { get; init; }

    public TimeSpan Delay { get; init; }

    public int Remaining { get; set; }

    /// <summary>Matching requests to let through before the fault applies.</summary>
    public int Skip { get; set; }
}

/// <summary>What the stand-in has counted since it started.</summary>
public sealed record StandInCounters
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
