using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Tests.Support;

/// <summary>
/// One entry of a mapping's <c>dynamic_templates</c>: the conditions Elasticsearch matches a new
/// field against (<c>match_mapping_type</c>, <c>match</c>/<c>unmatch</c> on the leaf name,
/// <c>path_match</c>/<c>path_unmatch</c> on the full path, each a pattern or a list of patterns,
/// simple wildcards or regular expressions with <c>match_pattern: regex</c>) and the
/// <c>mapping</c> it then gives the field, with <c>{name}</c> and <c>{dynamic_type}</c> filled in.
/// Without <c>match_mapping_type</c> a template matches values of every type, objects included.
/// </summary>
internal sealed class ElasticsearchStandInDynamicTemplate
{
    public required string Name { get; init; }

    public List<string> MatchMappingTypes { get; init; } = [];

    public List<string> Match { get; init; } = [];

    public List<string> Unmatch { get; init; } = [];

    public List<string> PathMatch { get; init; } = [];

    public List<string> PathUnmatch { get; init; } = [];

    public bool Regex { get; init; }

    public JsonElement Mapping { get; init; }

    /// <summary>Whether the template applies to a new field; <paramref name="type"/> is string, long, double, boolean, date or object.</summary>
    public bool Matches(string leafName, string path, string type)
    {
        // A template with no condition at all matches no field by itself: only the bulk
        // dynamic_templates parameter, which names it, applies it.
        if (MatchMappingTypes.Count == 0 && Match.Count == 0 && PathMatch.Count == 0)
        {
            return false;
        }

        if (MatchMappingTypes.Count > 0 && !MatchMappingTypes.Any(t => t == "*" || t == type))
        {
            return false;
        }

        return (Match.Count == 0 || Match.Any(p => Fits(p, leafName)))
            && !Unmatch.Any(p => Fits(p, leafName))
            && (PathMatch.Count == 0 || PathMatch.Any(p => Fits(p, path)))
            && !PathUnmatch.Any(p => Fits(p, path));
    }

    /// <summary>The mapping for a field named <paramref name="leafName"/>, placeholders filled in.</summary>
    public JsonElement MappingFor(string leafName, string dynamicType)
    {
        var text = Mapping.GetRawText().Replace("{name}", leafName, StringComparison.Ordinal).Replace("{dynamic_type}", dynamicType, StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private bool Fits(string pattern, string value) =>
        Regex ? System.Text.RegularExpressions.Regex.IsMatch(value, "^(?:" + pattern + ")$", RegexOptions.CultureInvariant) : SimpleMatch(pattern, value);

    // Elasticsearch's Regex.simpleMatch: '*' matches any characters, nothing escapes.
    private static bool SimpleMatch(string pattern, string value)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return pattern == value;
        }

        if (!value.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var at = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = value.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return value.Length - at >= parts[^1].Length && value.EndsWith(parts[^1], StringComparison.Ordinal);
    }
}
