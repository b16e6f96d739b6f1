namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// A query that cannot be answered, carrying Prometheus's <c>errorType</c> so the HTTP layer can
/// answer in Prometheus's shape and status without parsing messages.
/// </summary>
public sealed class PromQlException : Exception
{
    public PromQlException(string errorType, string message)
        : base(message) => ErrorType = errorType;

    public PromQlException(string errorType, string message, Exception inner)
        : base(message, inner) => ErrorType = errorType;

    public PromQlException()
        : this(PromQlErrorType.Execution, "query failed")
    {
    }

    public PromQlException(string message)
        : this(PromQlErrorType.Execution, message)
    {
    }

    public PromQlException(string message, Exception inner)
        : this(PromQlErrorType.Execution, message, inner)
    {
    }

    /// <summary>One of <see cref="PromQlErrorType"/>'s constants.</summary>
    public string ErrorType { get; }

    /// <summary>The HTTP status Prometheus answers this error type with.</summary>
    public int HttpStatus => ErrorType switch
    {
        PromQlErrorType.BadData => 400,
        PromQlErrorType.Execution => 422,
        _ => 503,
    };

    /// <summary>A parse error at a character position, worded as Prometheus words them (<c>1:5: parse error: …</c>).</summary>
    internal static PromQlException Parse(string query, int position, string message)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < query.Length; i++)
        {
            if (query[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new PromQlException(PromQlErrorType.BadData, $"{line}:{column}: parse error: {message}");
    }

    /// <summary>A construct outside the subset this engine implements: a 400 that names it.</summary>
    internal static PromQlException Unsupported(string query, int position, string construct) =>
        Parse(query, position, $"{construct} is not supported by this engine");
}
