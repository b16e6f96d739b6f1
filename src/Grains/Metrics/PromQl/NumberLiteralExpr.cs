namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>A number: <c>42</c>, <c>0x1f</c>, <c>1e-3</c>, <c>Inf</c>, <c>NaN</c> (a leading minus is folded in).</summary>
public sealed class NumberLiteralExpr(double value) : PromQlExpr
{
    public double Value { get; } = value;

    public override PromQlValueType Type => PromQlValueType.Scalar;
}
