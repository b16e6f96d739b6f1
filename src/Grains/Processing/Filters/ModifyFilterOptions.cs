namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>modify</c> filter (fluent-bit): <c>set</c>, <c>add</c>, <c>remove</c>,
/// <c>remove_wildcard</c>, <c>remove_regex</c>, <c>rename</c>, <c>hard_rename</c>, <c>copy</c>,
/// <c>hard_copy</c>. As fluent-bit documents, rules apply in the order they are written (the order
/// of the keys in the filter, then of the entries under each), each on the result of the one before.
/// </summary>
public sealed class ModifyFilterOptions : LogFilterOptions
{
    public const string TypeName = "modify";

    public override string Type => TypeName;

    public IReadOnlyList<ModifyRule> Rules { get; init; } = [];
}
