namespace Pipeline.Grains.Search.Kql;

/// <summary>A query that is not valid KQL. <see cref="Position"/> is the 0-based index of the offending character.</summary>
public sealed class KqlSyntaxException : Exception
{
    public KqlSyntaxException()
    {
    }

    public KqlSyntaxException(string message)
        : base(message)
    {
    }

    public KqlSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KqlSyntaxException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    /// <summary>0-based index in the query where the problem was found; the query length when it is at the end.</summary>
    public int Position { get; }
}
