namespace Pipeline.Grains.Metrics.PromQl;

/// <summary><c>lhs op lhs</c>: arithmetic, comparison (filtering, or 0/1 with <c>bool</c>) or a set operation.</summary>
public sealed class BinaryExpr(string op, PromQlExpr lhs, PromQlExpr rhs, bool returnBool, VectorMatching? matching) : PromQlExpr
{
    /// <summary>The operator as written: <c>+</c>, <c>==</c>, <c>and</c>, <c>atan2</c>, ….</summary>
    public string Op { get; } = op;

    public PromQlExpr Lhs { get; } = lhs;

    public PromQlExpr Rhs { get; } = rhs;

    public bool ReturnBool { get; } = returnBool;

    /// <summary>Set when both sides are vectors.</summary>
    public VectorMatching? Matching { get; } = matching;

    public bool IsComparison => Op is "==" or "!=" or ">" or "<" or ">=" or "<=";

    public bool IsSetOperator => Op is "and" or "or" or "unless";

    public override PromQlValueType Type => Lhs.Type == PromQlValueType.Scalar && Rhs.Type == PromQlValueType.Scalar ? PromQlValueType.Scalar : PromQlValueType.Vector;
}
