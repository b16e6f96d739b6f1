namespace Pipeline.Grains.Metrics.PromQl;

/// <summary><c>-expr</c> on a vector or scalar expression (a minus before a number literal is folded into it instead).</summary>
public sealed class UnaryExpr(PromQlExpr expr) : PromQlExpr
{
    public PromQlExpr Expr { get; } = expr;

    public override PromQlValueType Type => Expr.Type;
}
