namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// The outcome of parsing one scrape body. On failure the samples already given to the
/// visitor must be discarded (the whole scrape fails, as in Prometheus).
/// </summary>
/// <param name="Samples">Samples given to the visitor.</param>
/// <param name="BodyBytes">Bytes of the (decompressed) body read.</param>
/// <param name="Error">Why the body was refused, or null.</param>
public readonly record struct ExpositionResult(int Samples, long BodyBytes, ExpositionError? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>Throws <see cref="ExpositionException"/> when the body was refused.</summary>
    public void ThrowIfFailed()
    {
        if (Error is not null)
        {
            throw new ExpositionException(Error);
        }
    }
}
