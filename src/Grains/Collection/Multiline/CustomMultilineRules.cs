using System.Text.RegularExpressions;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// The user's patterns: a line matching <see cref="MultilineOptions.StartPattern"/> starts a
/// record. Without a <see cref="MultilineOptions.ContinuePattern"/> every other line joins the
/// pending record; with one, only lines matching it do and any other line stands alone.
/// </summary>
/// <remarks>
/// Patterns are compiled once and matched with a timeout: a pattern that backtracks without end
/// on some line counts that line as not matching (see <see cref="PatternTimeouts"/>) rather than
/// stalling the collector.
/// </remarks>
internal sealed class CustomMultilineRules : MultilineRules
{
    /// <summary>Longest a pattern may take on one line.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const int InRecord = 1;

    private readonly Regex _start;
    private readonly Regex? _continue;
    private long _patternTimeouts;

    public CustomMultilineRules(MultilineOptions options)
        : base(options)
    {
        _start = Compile(options.StartPattern!);
        _continue = string.IsNullOrEmpty(options.ContinuePattern) ? null : Compile(options.ContinuePattern);
    }

    /// <summary>Lines a pattern gave up on after <see cref="MatchTimeout"/>, over every file using these rules.</summary>
    public long PatternTimeouts => Interlocked.Read(ref _patternTimeouts);

    internal override MultilineLineKind Classify(int state, ReadOnlySpan<char> line, out int nextState)
    {
        nextState = InRecord;
        if (state != NoGroup)
        {
            if (_continue is null)
            {
                return IsMatch(_start, line) ? MultilineLineKind.Start : MultilineLineKind.Continue;
            }

            if (IsMatch(_continue, line))
            {
                return MultilineLineKind.Continue;
            }
        }

        return IsMatch(_start, line) ? MultilineLineKind.Start : MultilineLineKind.Alone;
    }

    internal static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    private bool IsMatch(Regex regex, ReadOnlySpan<char> line)
    {
        try
        {
            return regex.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _patternTimeouts);
            return false;
        }
    }
}
