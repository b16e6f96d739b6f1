using System.Text.RegularExpressions;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A named parser: an entry of <c>logs.parsers</c>, a built-in (<see cref="BuiltInParsers"/>), or
/// the inline parser of a parser filter (<c>format:</c> with <c>regex:</c>, <c>time_key:</c>…).
/// </summary>
public sealed class ParserDefinition
{
    public required string Name { get; init; }

    public required ParserFormat Format { get; init; }

    /// <summary>Regex format: named groups become fields; unnamed groups are ignored.</summary>
    public Regex? Regex { get; init; }

    /// <summary>The parsed member holding the record's time; the record's time is left alone when null.</summary>
    public string? TimeKey { get; init; }

    /// <summary>strptime format of <see cref="TimeKey"/>; when null, RFC 3339 or Unix epoch numbers are read.</summary>
    public TimeFormat? TimeFormat { get; init; }

    /// <summary>Keep <see cref="TimeKey"/> among the parsed members once it set the time (fluent-bit <c>Time_Keep</c>, default false).</summary>
    public bool TimeKeep { get; init; }

    /// <summary>Offset of times that carry none (fluent-bit <c>Time_Offset</c>); UTC by default.</summary>
    public TimeSpan TimeOffset { get; init; }

    /// <summary>Conversions of parsed text values by member name; a value that does not convert stays text.</summary>
    public IReadOnlyDictionary<string, ParserValueType> Types { get; init; } = new Dictionary<string, ParserValueType>();

    /// <summary>Regex and logfmt: leave out members whose value is empty (fluent-bit <c>Skip_Empty_Values</c>, default true).</summary>
    public bool SkipEmptyValues { get; init; } = true;

    /// <summary>Logfmt: a line with a key that has no <c>=value</c> does not parse (fluent-bit <c>Logfmt_No_Bare_Keys</c>); otherwise such a key is <c>true</c>.</summary>
    public bool NoBareKeys { get; init; }

    public override string ToString() => $"{Name} ({Format.ToString().ToLowerInvariant()})";
}
