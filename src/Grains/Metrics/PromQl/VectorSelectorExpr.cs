namespace Pipeline.Grains.Metrics.PromQl;

/// <summary><c>name{matchers} offset d</c>: the latest sample of each matching series within the lookback window.</summary>
public sealed class VectorSelectorExpr(string? name, IReadOnlyList<LabelMatcher> matchers, long offsetMs) : PromQlExpr
{
    /// <summary>The metric name written before the braces, if any (it is also among <see cref="Matchers"/>).</summary>
    public string? Name { get; } = name;

    /// <summary>All matchers, the name's <c>__name__="…"</c> first when there is a name.</summary>
    public IReadOnlyList<LabelMatcher> Matchers { get; } = matchers;

    /// <summary>How far back the selector looks (negative looks ahead).</summary>
    public long OffsetMs { get; } = offsetMs;

    public override PromQlValueType Type => PromQlValueType.Vector;

    public VectorSelectorExpr WithOffset(long offsetMs) => new(Name, Matchers, offsetMs) { Position = Position };
}
