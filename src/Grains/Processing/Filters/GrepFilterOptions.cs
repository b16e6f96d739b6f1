namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>grep</c> filter (fluent-bit): <c>regex: ["KEY REGEX", …]</c> keeps records whose field
/// matches, <c>exclude: [...]</c> drops those that match, combined by <c>logical_op</c>.
/// </summary>
public sealed class GrepFilterOptions : LogFilterOptions
{
    public const string TypeName = "grep";

    public override string Type => TypeName;

    public GrepRuleSet Rules { get; init; } = GrepRuleSet.Empty;
}
