using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// A relabeling regular expression: written in Go's RE2 syntax, anchored at both ends as Prometheus
/// anchors it (<c>^(?s:regex)$</c>, so <c>.</c> also matches a newline), groups numbered left to right.
/// It runs on .NET's non-backtracking engine, in time linear in the input as RE2 does, so a pattern such
/// as <c>(a+)+b</c> cannot stall relabeling; literal and prefix alternatives skip the engine.
/// </summary>
public sealed class RelabelRegex
{
    /// <summary>The regex of a rule that names none.</summary>
    public const string DefaultPattern = "(.*)";

    private static readonly SearchValues<char> Metacharacters = SearchValues.Create(@"\.+*?()|[]{}^$");

    private readonly Regex? _regex;
    private readonly string[] _groupNames;
    private readonly Kind _kind;
    private readonly FrozenSet<string>? _literals;
    private readonly string[] _prefixes = [];

    private enum Kind
    {
        Regex,

        /// <summary><c>(.*)</c>: matches anything, group 1 is the whole input.</summary>
        CaptureAll,

        /// <summary><c>.*</c>: matches anything.</summary>
        MatchAll,

        /// <summary>No metacharacter: matches exactly the pattern.</summary>
        Literal,

        /// <summary>
        /// Alternatives that are each a literal (<c>a|b</c>) or a literal then <c>.*</c> (<c>go_.*</c>): the usual
        /// drop-by-name and labeldrop lists, answered by a set lookup and prefix tests. Same meaning, since
        /// <c>.</c> matches every character here.
        /// </summary>
        Alternatives,
    }

    private RelabelRegex(string pattern, Regex? regex, string[] groupNames, Kind kind)
    {
        Pattern = pattern;
        _regex = regex;
        _groupNames = groupNames;
        _kind = kind;
        if (kind == Kind.Alternatives)
        {
            var literals = new List<string>();
            var prefixes = new List<string>();
            foreach (var alternative in pattern.Split('|'))
            {
                if (alternative.EndsWith(".*", StringComparison.Ordinal))
                {
                    prefixes.Add(alternative[..^2]);
                }
                else
                {
                    literals.Add(alternative);
                }
            }

            _literals = literals.ToFrozenSet(StringComparer.Ordinal);
            _prefixes = [.. prefixes];
        }
    }

    // "a|b_.*|c": every alternative a literal, optionally followed by ".*".
    private static bool IsAlternatives(string pattern)
    {
        foreach (var alternative in pattern.Split('|'))
        {
            var literal = alternative.EndsWith(".*", StringComparison.Ordinal) ? alternative.AsSpan(0, alternative.Length - 2) : alternative;
            if (literal.IndexOfAny(Metacharacters) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The regex matching any value and capturing it as <c>$1</c>.</summary>
    public static RelabelRegex Default { get; } = Create(DefaultPattern);

    /// <summary>The expression as written (without the anchors).</summary>
    public string Pattern { get; }

    /// <summary>Number of capturing groups, not counting the whole match.</summary>
    public int GroupCount => _groupNames.Length - 1;

    /// <summary>True for <c>(.*)</c>: every value matches and <c>$1</c> is the value itself.</summary>
    public bool CapturesAll => _kind == Kind.CaptureAll;

    public static RelabelRegex Create(string pattern) =>
        TryCreate(pattern, out var regex, out var error) ? regex : throw new ArgumentException($"invalid regex '{pattern}': {error}", nameof(pattern));

    public static bool TryCreate(string pattern, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RelabelRegex? regex, out string? error)
    {
        regex = null;
        var names = new List<string?>();
        var translated = GoRegexSyntax.Translate(pattern, names, out error);
        if (translated is null)
        {
            return false;
        }

        var kind = pattern switch
        {
            DefaultPattern => Kind.CaptureAll,
            ".*" => Kind.MatchAll,
            _ when pattern.AsSpan().IndexOfAny(Metacharacters) < 0 => Kind.Literal,
            _ when IsAlternatives(pattern) => Kind.Alternatives,
            _ => Kind.Regex,
        };
        Regex? compiled = null;
        if (kind == Kind.Regex)
        {
            try
            {
                compiled = new Regex(@"\A(?s:" + translated + @")\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (ArgumentException e)
            {
                error = e.Message;
                return false;
            }
        }

        regex = new RelabelRegex(pattern, compiled, [.. names.Select(n => n ?? "")], kind);
        return true;
    }

    /// <summary>Whether the whole of <paramref name="input"/> matches.</summary>
    public bool IsMatch(ReadOnlySpan<char> input) => _kind switch
    {
        Kind.CaptureAll or Kind.MatchAll => true,
        Kind.Literal => input.SequenceEqual(Pattern),
        Kind.Alternatives => MatchesAlternative(input),
        _ => _regex!.IsMatch(input),
    };

    private bool MatchesAlternative(ReadOnlySpan<char> input)
    {
        if (_literals!.GetAlternateLookup<ReadOnlySpan<char>>().Contains(input))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (input.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Matches the whole of <paramref name="input"/>; false when it does not match. <paramref name="match"/>
    /// is null when the match needs no groups from the engine (<c>(.*)</c>, literals).
    /// </summary>
    public bool TryMatch(string input, out Match? match)
    {
        switch (_kind)
        {
            case Kind.CaptureAll or Kind.MatchAll:
                match = null;
                return true;
            case Kind.Literal:
                match = null;
                return string.Equals(input, Pattern, StringComparison.Ordinal);
            case Kind.Alternatives:
                match = null;
                return MatchesAlternative(input);
            default:
                match = _regex!.Match(input);
                return match.Success;
        }
    }

    /// <summary>The text of group <paramref name="group"/> of a match from <see cref="TryMatch"/>, or null when it did not take part.</summary>
    internal bool TryGetGroup(string input, Match? match, int group, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (group < 0 || group >= _groupNames.Length)
        {
            return false;
        }

        if (match is null)
        {
            // Literals, alternatives and .* have group 0 only; (.*) has group 1 too; both are the whole input.
            length = input.Length;
            return true;
        }

        var g = match.Groups[group];
        if (!g.Success)
        {
            return false;
        }

        start = g.Index;
        length = g.Length;
        return true;
    }

    /// <summary>The number of the first group named <paramref name="name"/>, or -1.</summary>
    internal int GroupNumber(string name)
    {
        for (var i = 1; i < _groupNames.Length; i++)
        {
            if (string.Equals(_groupNames[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString() => Pattern;
}
