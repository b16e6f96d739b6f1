using System.Text.RegularExpressions;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>One <c>regex</c> or <c>exclude</c> entry: <c>"KEY REGEX"</c>, the key a <see cref="FieldPath"/>.</summary>
public sealed class GrepRule
{
    public GrepRule(FieldPath key, Regex pattern, bool exclude)
    {
        Key = key;
        Pattern = pattern;
        Exclude = exclude;
    }

    public FieldPath Key { get; }

    public Regex Pattern { get; }

    /// <summary>An <c>exclude</c> rule (drop on match) rather than a <c>regex</c> rule (keep on match).</summary>
    public bool Exclude { get; }

    /// <summary>
    /// Splits <c>"KEY REGEX"</c> at the first space that is not inside a record accessor's
    /// brackets (<c>$kubernetes['labels']['app name'] ^shop$</c>); the regex may hold spaces.
    /// </summary>
    public static bool TrySplit(string text, out string key, out string pattern)
    {
        var trimmed = text.Trim();
        var inQuote = '\0';
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (inQuote != '\0')
            {
                if (c == inQuote)
                {
                    inQuote = '\0';
                }
            }
            else if (c is '\'' or '"' && trimmed[0] == '$')
            {
                inQuote = c;
            }
            else if (c is ' ' or '\t')
            {
                key = trimmed[..i];
                pattern = trimmed[(i + 1)..].TrimStart();
                return pattern.Length > 0;
            }
        }

        key = trimmed;
        pattern = "";
        return false;
    }

    public override string ToString() => $"{(Exclude ? "exclude" : "regex")} {Key.Text} {Pattern}";
}
