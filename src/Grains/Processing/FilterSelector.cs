namespace Pipeline.Grains.Processing;

/// <summary>
/// Which records a filter applies to, by fluent-bit tag (<c>match: kube.*</c>), namespace
/// (names or <c>*</c> patterns) and pod labels (<c>kubernetes.labels</c>, all must be equal).
/// Every part given must match; an empty selector matches every record.
/// </summary>
public sealed class FilterSelector
{
    private static readonly FieldPath LabelsPath = FieldPath.Parse("kubernetes.labels");

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

        if (Namespaces.Count > 0 && (record.Namespace is not { } ns || !Namespaces.Any(p => Wildcard.Matches(p, ns))))
        {
            return false;
        }

        if (Labels.Count > 0)
        {
            foreach (var (name, value) in Labels)
            {
                if (record.GetString(FieldPath.Parse($"{LabelsPath}.{name}")) != value)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
