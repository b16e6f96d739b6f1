namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// <c>field &gt;= value</c> and the other comparisons. <see cref="Value"/> is the unescaped
/// text (a number, a date, or any string); the store decides how to compare it.
/// </summary>
public sealed record KqlRange(string Field, KqlRangeOperator Operator, string Value) : KqlNode
{
    public override string ToString() => $"{Field} {Symbol(Operator)} {Value}";

    public static string Symbol(KqlRangeOperator op) => op switch
    {
        KqlRangeOperator.GreaterThan => ">",
        KqlRangeOperator.GreaterThanOrEqual => ">=",
        KqlRangeOperator.LessThan => "<",
        KqlRangeOperator.LessThanOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown range operator."),
    };
}
