using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Matches the definition's regular expression and turns each named group that took part in the
/// match into a text member. No match is <c>no_match</c>; a match that times out is <c>regex_timeout</c>.
/// </summary>
internal sealed class RegexLogParser : LogParser
{
    private readonly Regex _regex;
    private readonly (int Number, string Name)[] _groups;

    public RegexLogParser(ParserDefinition definition)
        : base(definition)
    {
        _regex = definition.Regex ?? throw new ArgumentException($"parser '{definition.Name}' has no regex", nameof(definition));
        _groups = [.. _regex.GetGroupNumbers()
            .Select(n => (n, _regex.GroupNameFromNumber(n)))
            .Where(g => !int.TryParse(g.Item2, out _))];
    }

    public override bool ReadsUtf8 => false;

    public override string? Parse(ReadOnlySpan<byte> utf8, List<KeyValuePair<string, JsonNode?>> members) =>
        Parse(Encoding.UTF8.GetString(utf8), members);

    public override string? Parse(string text, List<KeyValuePair<string, JsonNode?>> members)
    {
        Match match;
        try
        {
            match = _regex.Match(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return "regex_timeout";
        }

        if (!match.Success)
        {
            return "no_match";
        }

        foreach (var (number, name) in _groups)
        {
            var group = match.Groups[number];
            if (!group.Success || (group.Length == 0 && Definition.SkipEmptyValues))
            {
                continue;
            }

            members.Add(new(name, JsonValue.Create(group.Value)));
        }

        return null;
    }
}
