using System.Text.RegularExpressions;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Reads what Elasticsearch's security says when it refuses an action (<c>… this action is granted
/// by the index privileges [create_doc,create,index,write,all]</c>), so the output can name the
/// privilege to grant instead of guessing.
/// </summary>
internal static partial class ElasticsearchDenial
{
    /// <summary>
    /// "grant the index privilege 'create_doc' (or one that includes it: create, index, write, all)",
    /// or null when the reason does not say which privileges would do.
    /// </summary>
    public static string? Advice(string reason)
    {
        var match = GrantedBy().Match(reason);
        if (!match.Success)
        {
            return null;
        }

        var privileges = match.Groups["privileges"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (privileges.Length == 0)
        {
            return null;
        }

        var kind = match.Groups["kind"].Value;
        return privileges.Length == 1
            ? $"grant the {kind} privilege '{privileges[0]}'"
            : $"grant the {kind} privilege '{privileges[0]}' (or one that includes it: {string.Join(", ", privileges[1..])})";
    }

    [GeneratedRegex(@"granted by the (?<kind>index|cluster) privileges \[(?<privileges>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex GrantedBy();
}
