namespace Pipeline.Grains.Metrics.PromQl;

/// <summary><c>selector[range]</c>: every sample of each matching series in [t − offset − range, t − offset].</summary>
public sealed class MatrixSelectorExpr(VectorSelectorExpr selector, long rangeMs) : PromQlExpr
{
    public VectorSelectorExpr Selector { get; } = selector;

    public long RangeMs { get; } = rangeMs;

    public override PromQlValueType Type => PromQlValueType.Matrix;
}
