namespace Pipeline.Tests.Support;

/// <summary>Makes matching whole requests fail (a status, a dropped connection) or never answer, for a number of times.</summary>
internal sealed class ElasticsearchStandInRequestFault
{
    public required Func<string, string, bool> Match { get; init; }

    /// <summary>The status to answer with; 0 to answer normally.</summary>
    public int Status { get; init; }

    public string ErrorType { get; init; } = "exception";
    public string Reason { get; init; } = "";

    /// <summary>Drop the connection without an answer.</summary>
    public bool Abort { get; init; }

    /// <summary>Answer nothing until the client aborts the request or the stand-in stops.</summary>
    public bool Hold { get; init; }

    public int Remaining { get; set; }

    /// <summary>Matching requests to let through before the fault applies.</summary>
    public int Skip { get; set; }
}
