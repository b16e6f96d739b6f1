using System.Text.Json.Nodes;

namespace Pipeline.Tests.Support;

/// <summary>
/// A label or field selector as the API server reads it: comma-separated requirements, each
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>; labels also <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>. Field selectors name a dotted path of the object (<c>spec.nodeName</c>).
/// </summary>
public sealed class KubernetesApiStandInSelector
{
    private readonly List<Func<JsonObject, bool>> _requirements = [];

    private KubernetesApiStandInSelector()
    {
    }

    public static KubernetesApiStandInSelector Labels(string? text)
    {
        var selector = new KubernetesApiStandInSelector();
        foreach (var part in Split(text))
        {
            selector._requirements.Add(LabelRequirement(part));
        }

        return selector;
    }

    public static KubernetesApiStandInSelector Fields(string? text)
    {
        var selector = new KubernetesApiStandInSelector();
        foreach (var part in Split(text))
        {
            var negate = part.Contains("!=", StringComparison.Ordinal);
            var pieces = part.Split(negate ? "!=" : part.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (pieces.Length != 2)
            {
                throw new FormatException($"invalid field selector requirement '{part}'");
            }

            var path = pieces[0].Trim().Split('.');
            var want = pieces[1].Trim();
            selector._requirements.Add(o => (FieldValue(o, path) == want) != negate);
        }

        return selector;
    }

    public bool Matches(JsonObject item) => _requirements.TrueForAll(r => r(item));

    private static string FieldValue(JsonObject item, string[] path)
    {
        JsonNode? node = item;
        foreach (var step in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(step, out var next) ? next : null;
        }

        return node is JsonValue value ? value.ToString() : "";
    }

    private static Func<JsonObject, bool> LabelRequirement(string part)
    {
        static string? Label(JsonObject o, string key) =>
            o["metadata"]?["labels"]?[key] is JsonValue v ? v.GetValue<string>() : null;

        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("in(", StringComparison.Ordinal)
            || words[1].StartsWith("notin", StringComparison.Ordinal)))
        {
            var notIn = words[1].StartsWith("notin", StringComparison.Ordinal);
            var open = words[1].IndexOf('(', StringComparison.Ordinal);
            var values = words[1][(open + 1)..words[1].LastIndexOf(')')].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var key = words[0];
            return o => Label(o, key) is { } v ? values.Contains(v) != notIn : notIn;
        }

        if (part.Contains("!=", StringComparison.Ordinal))
        {
            var pieces = part.Split("!=", 2, StringSplitOptions.TrimEntries);
            return o => Label(o, pieces[0]) != pieces[1];
        }

        if (part.Contains('=', StringComparison.Ordinal))
        {
            var pieces = part.Split(part.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2, StringSplitOptions.TrimEntries);
            return o => Label(o, pieces[0]) == pieces[1];
        }

        if (part.StartsWith('!'))
        {
            var key = part[1..].Trim();
            return o => Label(o, key) is null;
        }

        return o => Label(o, part) is not null;
    }

    // Commas inside "in (a,b)" do not separate requirements.
    private static IEnumerable<string> Split(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..].Trim();
    }
}
