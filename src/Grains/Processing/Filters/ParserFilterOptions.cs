namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>parser</c> filter (fluent-bit): parses the text of <see cref="KeyName"/> with the first of
/// <see cref="Parsers"/> that succeeds and writes the parsed members into the record.
/// Defaults are fluent-bit's: the parsed key is removed (<c>preserve_key: false</c>) and so is every
/// other member the application wrote (<c>reserve_data: false</c>); the members the pipeline owns
/// (<c>@timestamp</c>, <c>stream</c>, <c>kubernetes</c>, flags) always stay, as if fluent-bit's
/// kubernetes filter ran after this one. A value that no parser reads leaves the record unchanged and
/// is counted in <c>pipeline_filter_problems</c>; the record is never dropped.
/// </summary>
public sealed class ParserFilterOptions : LogFilterOptions
{
    public const string TypeName = "parser";

    public override string Type => TypeName;

    /// <summary>The member parsed (fluent-bit <c>Key_Name</c>); <c>log</c> by default.</summary>
    public FieldPath KeyName { get; init; } = FieldPath.Log;

    /// <summary>Parsers tried in order (fluent-bit allows several <c>Parser</c> entries).</summary>
    public IReadOnlyList<ParserDefinition> Parsers { get; init; } = [];

    /// <summary>Keep the parsed member (fluent-bit <c>Preserve_Key</c>, default false).</summary>
    public bool PreserveKey { get; init; }

    /// <summary>Keep the record's other members (fluent-bit <c>Reserve_Data</c>, default false).</summary>
    public bool ReserveData { get; init; }

    /// <summary>Put the parsed members under this member instead of at the top (fluent-bit kubernetes filter's <c>Merge_Log_Key</c>).</summary>
    public FieldPath? MergeLogKey { get; init; }
}
