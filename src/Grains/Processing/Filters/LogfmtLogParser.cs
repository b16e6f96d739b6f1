using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Reads <c>key=value key2="quoted \"value\"" flag</c>. Quoted values understand <c>\"</c>,
/// <c>\\</c>, <c>\n</c>, <c>\t</c> and <c>\r</c>. A bare key is <c>true</c> (or fails the line with
/// <see cref="ParserDefinition.NoBareKeys"/>). A line without a single <c>key=value</c> pair does
/// not parse (<c>no_match</c>): plain text is not logfmt.
/// </summary>
internal sealed class LogfmtLogParser : LogParser
{
    private readonly StringBuilder _unescaped = new();

    public LogfmtLogParser(ParserDefinition definition)
        : base(definition)
    {
    }

    public override string? Parse(ReadOnlySpan<byte> utf8, List<KeyValuePair<string, JsonNode?>> members) => Parse(Decode(utf8), members);

    public override string? Parse(string text, List<KeyValuePair<string, JsonNode?>> members) => Parse(text.AsSpan(), members);

    private string? Parse(ReadOnlySpan<char> text, List<KeyValuePair<string, JsonNode?>> members)
    {
        var pairs = 0;
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] <= ' ')
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            var start = i;
            while (i < text.Length && text[i] > ' ' && text[i] != '=' && text[i] != '"')
            {
                i++;
            }

            if (i == start)
            {
                // '=' or '"' where a key should start: not logfmt.
                members.Clear();
                return "no_match";
            }

            var key = Strings.Get(text[start..i]);
            if (i >= text.Length || text[i] != '=')
            {
                if (Definition.NoBareKeys)
                {
                    members.Clear();
                    return "bare_key";
                }

                members.Add(new(key, JsonValue.Create(true)));
                continue;
            }

            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                if (!TryReadQuoted(text, ref i, out value))
                {
                    members.Clear();
                    return "no_match";
                }
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] > ' ')
                {
                    i++;
                }

                value = Strings.Get(text[valueStart..i]);
            }

            pairs++;
            if (value.Length > 0 || !Definition.SkipEmptyValues)
            {
                members.Add(new(key, JsonValue.Create(value)));
            }
        }

        if (pairs == 0)
        {
            members.Clear();
            return "no_match";
        }

        return null;
    }

    private bool TryReadQuoted(ReadOnlySpan<char> text, ref int i, out string value)
    {
        value = "";
        var start = ++i;
        var end = text[start..].IndexOfAny('"', '\\');
        if (end >= 0 && text[start + end] == '"')
        {
            // The common case: no escapes.
            value = text.Slice(start, end).ToString();
            i = start + end + 1;
            return true;
        }

        _unescaped.Clear();
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '"')
            {
                value = _unescaped.ToString();
                return true;
            }

            if (c == '\\' && i < text.Length)
            {
                var e = text[i++];
                _unescaped.Append(e switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => e,
                });
            }
            else
            {
                _unescaped.Append(c);
            }
        }

        return false;
    }
}
