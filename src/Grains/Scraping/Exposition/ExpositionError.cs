namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Why a scrape body was refused, and where: what a target shows beside <c>up 0</c>.</summary>
public sealed class ExpositionError
{
    public ExpositionError(ExpositionErrorKind kind, string reason, int line)
    {
        Kind = kind;
        Reason = reason;
        Line = line;
    }

    public ExpositionErrorKind Kind { get; }

    /// <summary>What is wrong, without the line number.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the body the error is on; 0 when it is about the whole body.</summary>
    public int Line { get; }

    public override string ToString() => Line > 0 ? $"line {Line}: {Reason}" : Reason;
}
