namespace Pipeline.Grains.Metrics.PromQl;

/// <summary><c>op by|without (labels) ([param,] expr)</c>: one aggregation over a vector.</summary>
public sealed class AggregateExpr(string op, PromQlExpr? param, PromQlExpr expr, IReadOnlyList<string> grouping, bool without) : PromQlExpr
{
    /// <summary>The aggregation's name in lower case: <c>sum</c>, <c>topk</c>, …</summary>
    public string Op { get; } = op;

    /// <summary>The parameter of <c>topk</c>, <c>bottomk</c>, <c>quantile</c>; null for the others.</summary>
    public PromQlExpr? Param { get; } = param;

    public PromQlExpr Expr { get; } = expr;

    /// <summary>The labels of <c>by</c> or <c>without</c>, sorted and unique.</summary>
    public IReadOnlyList<string> Grouping { get; } = grouping;

    public bool Without { get; } = without;

    public override PromQlValueType Type => PromQlValueType.Vector;
}
