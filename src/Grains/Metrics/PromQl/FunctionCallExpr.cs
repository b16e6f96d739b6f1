namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>A call of one of the functions in <see cref="PromQlFunctions"/>, its arguments type-checked.</summary>
public sealed class FunctionCallExpr(PromQlFunction function, IReadOnlyList<PromQlExpr> args) : PromQlExpr
{
    public PromQlFunction Function { get; } = function;

    public IReadOnlyList<PromQlExpr> Args { get; } = args;

    public override PromQlValueType Type => Function.ReturnType;
}
