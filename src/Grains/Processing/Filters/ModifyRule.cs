using System.Text.RegularExpressions;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>One rule of a modify filter; which members are set depends on <see cref="Operation"/>.</summary>
public sealed class ModifyRule
{
    public required ModifyOperation Operation { get; init; }

    /// <summary>The key acted on (all but the remove_wildcard and remove_regex rules).</summary>
    public FieldPath? Key { get; init; }

    /// <summary>set / add: the value, possibly with <c>${field}</c> placeholders.</summary>
    public RecordTemplate? Value { get; init; }

    /// <summary>rename / copy: where the value goes.</summary>
    public FieldPath? Target { get; init; }

    /// <summary>remove_wildcard: the pattern on top-level names.</summary>
    public string? Wildcard { get; init; }

    /// <summary>remove_regex: the pattern on top-level names.</summary>
    public Regex? Regex { get; init; }

    public override string ToString() => Operation switch
    {
        ModifyOperation.Set or ModifyOperation.Add => $"{Operation} {Key?.Text} {Value}",
        ModifyOperation.RemoveWildcard => $"{Operation} {Wildcard}",
        ModifyOperation.RemoveRegex => $"{Operation} {Regex}",
        ModifyOperation.Remove => $"{Operation} {Key?.Text}",
        _ => $"{Operation} {Key?.Text} {Target?.Text}",
    };
}
