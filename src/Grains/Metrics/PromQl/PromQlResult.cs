namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// What a query answered: a vector (instant query of a vector expression), a matrix (range query),
/// a scalar or a string (instant query of such an expression) at <see cref="TimeMs"/>.
/// </summary>
public sealed class PromQlResult
{
    private PromQlResult(PromQlValueType type, long timeMs)
    {
        Type = type;
        TimeMs = timeMs;
    }

    public PromQlValueType Type { get; }

    /// <summary>The evaluation time of an instant query (the end of a range query).</summary>
    public long TimeMs { get; }

    public IReadOnlyList<PromQlSample> Vector { get; private init; } = [];

    /// <summary>The series of a range query, sorted by labels as Prometheus sorts them.</summary>
    public IReadOnlyList<PromQlSeries> Matrix { get; private init; } = [];

    public double Scalar { get; private init; }

    public string String { get; private init; } = string.Empty;

    public static PromQlResult OfVector(long timeMs, IReadOnlyList<PromQlSample> vector) => new(PromQlValueType.Vector, timeMs) { Vector = vector };

    public static PromQlResult OfMatrix(long timeMs, IReadOnlyList<PromQlSeries> matrix) => new(PromQlValueType.Matrix, timeMs) { Matrix = matrix };

    public static PromQlResult OfScalar(long timeMs, double value) => new(PromQlValueType.Scalar, timeMs) { Scalar = value };

    public static PromQlResult OfString(long timeMs, string value) => new(PromQlValueType.String, timeMs) { String = value };
}
