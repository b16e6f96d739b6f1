namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>What an expression evaluates to, as Prometheus names it in <c>resultType</c>.</summary>
public enum PromQlValueType
{
    Scalar,
    Vector,
    Matrix,
    String,
}
