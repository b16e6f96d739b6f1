using System.Text.RegularExpressions;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// How filters compile the regular expressions users configure: compiled (they run for every
/// record), culture-invariant, and with a match timeout so one pathological pattern cannot stall an
/// aggregator: a match that times out counts as no match and is reported as a filter problem.
/// </summary>
public static class FilterRegex
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    /// <summary>Compiles <paramref name="pattern"/>; false with the engine's message when it is not a valid .NET regular expression.</summary>
    public static bool TryCreate(string pattern, out Regex regex, out string error)
    {
        try
        {
            regex = new Regex(pattern, Options, MatchTimeout);
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            regex = null!;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Compiles a pattern known to be valid (built-in parsers, tests).</summary>
    public static Regex Create(string pattern) =>
        TryCreate(pattern, out var regex, out var error) ? regex : throw new ArgumentException(error, nameof(pattern));
}
