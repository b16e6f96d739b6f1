using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics;

/// <summary>How a <see cref="LabelMatcher"/> compares a label's value: PromQL's <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>.</summary>
public enum MatchType
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// One condition of a series selector (<c>job="api"</c>, <c>pod=~"web-.*"</c>). A series without
/// the label is matched as if its value were empty, as in Prometheus: <c>foo=""</c> selects the
/// series that have no <c>foo</c>, <c>foo!=""</c> the series that have one. Regular expressions are
/// Go RE2 syntax, anchored at both ends.
/// </summary>
public sealed class LabelMatcher
{
    private readonly RelabelRegex? _regex;

    public LabelMatcher(MatchType type, string name, string value)
    {
        Type = type;
        Name = name;
        Value = value;
        if (type is MatchType.Regex or MatchType.NotRegex)
        {
            _regex = RelabelRegex.Create(value);
        }
    }

    public MatchType Type { get; }

    public string Name { get; }

    public string Value { get; }

    /// <summary>Whether the empty value passes, i.e. whether series lacking the label are selected.</summary>
    public bool MatchesEmpty => Matches(string.Empty);

    /// <summary>Whether a label value (the empty string for a missing label) passes.</summary>
    public bool Matches(string value) => Type switch
    {
        MatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.Regex => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    public override string ToString()
    {
        var op = Type switch
        {
            MatchType.Equal => "=",
            MatchType.NotEqual => "!=",
            MatchType.Regex => "=~",
            _ => "!~",
        };
        return $"{Name}{op}\"{Value}\"";
    }
}
