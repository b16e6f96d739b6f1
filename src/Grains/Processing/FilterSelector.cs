namespace Pipeline.Grains.Processing;

/// <summary>
/// Which records a filter applies to, by fluent-bit tag (<c>match: kube.*</c>), namespace
/// (names or <c>*</c> patterns) and pod labels (<c>kubernetes.labels</c>, all must be equal).
/// Every part given must match; an empty selector matches every record.
/// </summary>
public sealed class FilterSelector
{
    public static readonly FilterSelector All = new();

    /// <summary>fluent-bit <c>Match</c> pattern on <see cref="LogEvent.Tag"/>; <c>*</c> matches any run of characters.</summary>
    public string? Tag { get; init; }

    /// <summary>Namespace names or <c>*</c> patterns; the record's namespace must match one.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Pod labels the record must carry with these values.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public bool Matches(LogEvent record)
    {
        if (Tag is not null && Tag != "*" && !Wildcard.Matches(Tag, record.Tag))
        {
            return false;
        }

        if (Namespaces.Count > 0 && (record.Namespace is not { } ns || !MatchesAnyNamespace(ns)))
        {
            return false;
        }

        if (Labels.Count > 0)
        {
            // Label names often hold dots (app.kubernetes.io/name): address them as one member.
            _labelPaths ??= [.. Labels.Select(l => (LabelPath(l.Key), l.Value))];
            foreach (var (path, value) in _labelPaths)
            {
                if (record.GetString(path) != value)
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Built on first use and shared by the activations using this selector: a benign race.
    private (FieldPath Path, string Value)[]? _labelPaths;

    private static FieldPath LabelPath(string name)
    {
        var quote = name.Contains('\'', StringComparison.Ordinal) ? '"' : '\'';
        return FieldPath.Parse($"$kubernetes['labels'][{quote}{name}{quote}]");
    }

    private bool MatchesAnyNamespace(string ns)
    {
        foreach (var pattern in Namespaces)
        {
            if (Wildcard.Matches(pattern, ns))
            {
                return true;
            }
        }

        return false;
    }
}
