using System.Text.RegularExpressions;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// A <c>replacement</c> or <c>target_label</c> with <c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>${name}</c>
/// references, parsed once, expanded as Go's <c>Regexp.Expand</c> does.
/// </summary>
/// <remarks>
/// A reference takes the longest run of letters, digits and <c>_</c> after <c>$</c>, so <c>$1x</c> names
/// the group "1x" (none: it expands to nothing) while <c>${1}x</c> is group 1 then "x". A number with a
/// leading zero (<c>$01</c>) is a name. A group that does not exist or did not take part expands to
/// nothing. <c>$$</c> is a <c>$</c>; a <c>$</c> that starts no valid reference stays as it is.
/// </remarks>
internal sealed class ReplacementTemplate
{
    // Literal text (Group == -2) or a group number (-1: a reference to no group, expands to nothing).
    private readonly (string Literal, int Group)[] _parts;

    private ReplacementTemplate(string text, (string, int)[] parts, bool hasReferences)
    {
        Text = text;
        _parts = parts;
        HasReferences = hasReferences;
    }

    public string Text { get; }

    /// <summary>False when the template is plain text (it expands to itself).</summary>
    public bool HasReferences { get; }

    /// <summary>True when the template is exactly group 1 (<c>$1</c> or <c>${1}</c>).</summary>
    public bool IsGroupOne => _parts is [("", 1)];

    public static ReplacementTemplate Parse(string template, RelabelRegex regex)
    {
        var parts = new List<(string, int)>();
        var literal = new System.Text.StringBuilder();
        var references = false;
        var rest = template.AsSpan();
        while (rest.Length > 0)
        {
            var dollar = rest.IndexOf('$');
            if (dollar < 0)
            {
                literal.Append(rest);
                break;
            }

            literal.Append(rest[..dollar]);
            rest = rest[(dollar + 1)..];
            if (rest.Length > 0 && rest[0] == '$')
            {
                literal.Append('$');
                rest = rest[1..];
                references = true;
                continue;
            }

            if (!TryReference(rest, out var name, out var number, out var consumed))
            {
                literal.Append('$');
                continue;
            }

            references = true;
            rest = rest[consumed..];
            if (literal.Length > 0)
            {
                parts.Add((literal.ToString(), -2));
                literal.Clear();
            }

            parts.Add(("", number >= 0 ? number : regex.GroupNumber(name)));
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), -2));
        }

        return new ReplacementTemplate(template, [.. parts], references);
    }

    // After a '$': "name" or "{name}"; the number is -1 unless the name is a number without leading zero.
    private static bool TryReference(ReadOnlySpan<char> text, out string name, out int number, out int consumed)
    {
        name = "";
        number = -1;
        consumed = 0;
        var brace = text.Length > 0 && text[0] == '{';
        var start = brace ? 1 : 0;
        var i = start;
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        if (i == start)
        {
            return false;
        }

        name = text[start..i].ToString();
        if (brace)
        {
            if (i >= text.Length || text[i] != '}')
            {
                return false;
            }

            i++;
        }

        consumed = i;
        var value = 0;
        foreach (var c in name)
        {
            if (c is < '0' or > '9' || value >= 100_000_000)
            {
                value = -1;
                break;
            }

            value = (value * 10) + (c - '0');
        }

        number = name.Length > 1 && name[0] == '0' ? -1 : value;
        return true;
    }

    /// <summary>Expands the template for a match of <paramref name="regex"/> on <paramref name="input"/>.</summary>
    public string Expand(RelabelRegex regex, string input, Match? match)
    {
        if (!HasReferences)
        {
            return Text;
        }

        if (_parts.Length == 1)
        {
            var (literal, group) = _parts[0];
            if (group == -2)
            {
                return literal;
            }

            return regex.TryGetGroup(input, match, group, out var start, out var length) ? input.Substring(start, length) : string.Empty;
        }

        var total = 0;
        foreach (var (literal, group) in _parts)
        {
            total += group == -2 ? literal.Length : regex.TryGetGroup(input, match, group, out _, out var length) ? length : 0;
        }

        return string.Create(total, (this, regex, input, match), static (span, state) =>
        {
            var (template, regex, input, match) = state;
            var at = 0;
            foreach (var (literal, group) in template._parts)
            {
                if (group == -2)
                {
                    literal.AsSpan().CopyTo(span[at..]);
                    at += literal.Length;
                }
                else if (regex.TryGetGroup(input, match, group, out var start, out var length))
                {
                    input.AsSpan(start, length).CopyTo(span[at..]);
                    at += length;
                }
            }
        });
    }

    public override string ToString() => Text;
}
