namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// One entry of <c>relabel_configs</c>, <c>metric_relabel_configs</c> or <c>write_relabel_configs</c> as
/// written, with Prometheus's defaults. <see cref="Validate(LabelNameValidation)"/> applies Prometheus's rules;
/// <see cref="RelabelRule"/> is the compiled form.
/// </summary>
public sealed record RelabelConfig
{
    public const string DefaultSeparator = ";";
    public const string DefaultReplacement = "$1";

    public RelabelAction Action { get; init; } = RelabelAction.Replace;

    /// <summary>Labels whose values are joined with <see cref="Separator"/>; a missing label counts as empty. Null when not written.</summary>
    public IReadOnlyList<string>? SourceLabels { get; init; }

    public string Separator { get; init; } = DefaultSeparator;

    /// <summary>RE2 syntax, anchored at both ends. Null when not written: then <c>(.*)</c>.</summary>
    public string? Regex { get; init; }

    public ulong Modulus { get; init; }

    public string TargetLabel { get; init; } = "";

    public string Replacement { get; init; } = DefaultReplacement;

    /// <summary>
    /// The first rule this config breaks, with Prometheus's wording, or null when it is valid (the regex
    /// is checked by <see cref="RelabelRegex.TryCreate"/>, not here).
    /// </summary>
    public string? Validate(LabelNameValidation validation = LabelNameValidation.Utf8) => Validate(validation, out _);

    /// <summary>As <see cref="Validate(LabelNameValidation)"/>; <paramref name="key"/> names the field at fault, or is null for the entry as a whole.</summary>
    public string? Validate(LabelNameValidation validation, out string? key)
    {
        key = null;
        var action = ActionName(Action);
        if (Action == RelabelAction.HashMod && Modulus == 0)
        {
            return "relabel configuration for hashmod requires non-zero modulus";
        }

        if (Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase or RelabelAction.Uppercase or
            RelabelAction.KeepEqual or RelabelAction.DropEqual && TargetLabel.Length == 0)
        {
            return $"relabel configuration for {action} action requires 'target_label' value";
        }

        var templated = TargetLabel.Contains('$', StringComparison.Ordinal);
        if (Action == RelabelAction.Replace &&
            !(templated ? LabelNames.IsValidWithReferences(TargetLabel, validation) : LabelNames.IsValid(TargetLabel, validation)))
        {
            key = "target_label";
            return $"'{TargetLabel}' is invalid 'target_label' for {action} action";
        }

        if (Action is RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual or RelabelAction.HashMod &&
            !LabelNames.IsValid(TargetLabel, validation))
        {
            key = "target_label";
            return $"'{TargetLabel}' is invalid 'target_label' for {action} action";
        }

        if (Action is RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual &&
            Replacement != DefaultReplacement)
        {
            key = "replacement";
            return $"'replacement' can not be set for {action} action";
        }

        if (Action == RelabelAction.LabelMap && !LabelNames.IsValidWithReferences(Replacement, validation))
        {
            key = "replacement";
            return $"'{Replacement}' is invalid 'replacement' for {action} action";
        }

        if (Action is RelabelAction.KeepEqual or RelabelAction.DropEqual &&
            (Regex is not null || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            key = Regex is not null ? "regex" : Modulus != 0 ? "modulus" : Separator != DefaultSeparator ? "separator" : "replacement";
            return $"{action} action requires only 'source_labels' and 'target_label', and no other fields";
        }

        if (Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep &&
            (SourceLabels is not null || TargetLabel.Length != 0 || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            key = SourceLabels is not null ? "source_labels" : TargetLabel.Length != 0 ? "target_label" : Modulus != 0 ? "modulus" :
                Separator != DefaultSeparator ? "separator" : "replacement";
            return $"{action} action requires only 'regex', and no other fields";
        }

        if (SourceLabels is not null)
        {
            foreach (var name in SourceLabels)
            {
                if (!LabelNames.IsValid(name, validation))
                {
                    key = "source_labels";
                    return $"'{name}' is not a valid label name in 'source_labels'";
                }
            }
        }

        return null;
    }

    /// <summary>The name written in YAML: <c>replace</c>, <c>keepequal</c>, <c>hashmod</c>, …</summary>
    public static string ActionName(RelabelAction action) => action.ToString().ToLowerInvariant();

    /// <summary>Parses an action name as Prometheus does (case-insensitive).</summary>
    public static bool TryParseAction(string? text, out RelabelAction action)
    {
        foreach (var candidate in Enum.GetValues<RelabelAction>())
        {
            if (string.Equals(text, ActionName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                action = candidate;
                return true;
            }
        }

        action = RelabelAction.Replace;
        return false;
    }
}
