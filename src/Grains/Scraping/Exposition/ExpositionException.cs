namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>An <see cref="ExpositionError"/> as an exception, for callers that prefer to throw.</summary>
public sealed class ExpositionException : Exception
{
    public ExpositionException(ExpositionError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ExpositionException()
        : this(new ExpositionError(ExpositionErrorKind.Syntax, "invalid exposition body", 0))
    {
    }

    public ExpositionException(string message)
        : this(new ExpositionError(ExpositionErrorKind.Syntax, message, 0))
    {
    }

    public ExpositionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new ExpositionError(ExpositionErrorKind.Syntax, message, 0);
    }

    public ExpositionError Error { get; }
}
