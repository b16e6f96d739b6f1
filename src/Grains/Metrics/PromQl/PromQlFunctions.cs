using System.Collections.Frozen;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// The functions this engine evaluates, and the names of Prometheus's other functions, so a query
/// using one of those is told it is outside the subset rather than that it is unknown.
/// </summary>
public static class PromQlFunctions
{
    private const PromQlValueType S = PromQlValueType.Scalar;
    private const PromQlValueType V = PromQlValueType.Vector;
    private const PromQlValueType M = PromQlValueType.Matrix;
    private const PromQlValueType Str = PromQlValueType.String;

    /// <summary>Functions of one instant vector that map each value and drop the metric name.</summary>
    internal static readonly FrozenDictionary<string, Func<double, double>> Math1 = new Dictionary<string, Func<double, double>>(StringComparer.Ordinal)
    {
        ["abs"] = Math.Abs,
        ["ceil"] = Math.Ceiling,
        ["floor"] = Math.Floor,
        ["exp"] = Math.Exp,
        ["sqrt"] = Math.Sqrt,
        ["ln"] = Math.Log,
        ["log2"] = Math.Log2,
        ["log10"] = Math.Log10,
        ["sgn"] = v => v < 0 ? -1 : v > 0 ? 1 : v,
        ["acos"] = Math.Acos,
        ["acosh"] = Math.Acosh,
        ["asin"] = Math.Asin,
        ["asinh"] = Math.Asinh,
        ["atan"] = Math.Atan,
        ["atanh"] = Math.Atanh,
        ["cos"] = Math.Cos,
        ["cosh"] = Math.Cosh,
        ["sin"] = Math.Sin,
        ["sinh"] = Math.Sinh,
        ["tan"] = Math.Tan,
        ["tanh"] = Math.Tanh,
        ["deg"] = v => v * 180 / Math.PI,
        ["rad"] = v => v * Math.PI / 180,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every supported function by name.</summary>
    public static FrozenDictionary<string, PromQlFunction> Supported { get; } = Build();

    /// <summary>Prometheus functions outside this engine's subset.</summary>
    public static FrozenSet<string> Unsupported { get; } = new[]
    {
        "holt_winters", "histogram_count", "histogram_sum", "histogram_fraction",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static FrozenDictionary<string, PromQlFunction> Build()
    {
        var functions = new List<PromQlFunction>
        {
            new("rate", [M], V),
            new("irate", [M], V),
            new("increase", [M], V),
            new("delta", [M], V),
            new("idelta", [M], V),
            new("changes", [M], V),
            new("deriv", [M], V),
            new("predict_linear", [M, S], V),
            new("resets", [M], V),
            new("avg_over_time", [M], V),
            new("min_over_time", [M], V),
            new("max_over_time", [M], V),
            new("sum_over_time", [M], V),
            new("count_over_time", [M], V),
            new("last_over_time", [M], V),
            new("stddev_over_time", [M], V),
            new("stdvar_over_time", [M], V),
            new("present_over_time", [M], V),
            new("absent_over_time", [M], V),
            new("quantile_over_time", [S, M], V),
            new("histogram_quantile", [S, V], V),
            new("round", [V, S], V, optionalArgs: 1),
            new("clamp", [V, S, S], V),
            new("clamp_min", [V, S], V),
            new("clamp_max", [V, S], V),
            new("scalar", [V], S),
            new("vector", [S], V),
            new("time", [], S),
            new("pi", [], S),
            new("timestamp", [V], V),
            new("absent", [V], V),
            new("sort", [V], V),
            new("sort_desc", [V], V),
            new("label_replace", [V, Str, Str, Str, Str], V),
            new("label_join", [V, Str, Str, Str], V, variadic: true),
            new("minute", [V], V, optionalArgs: 1),
            new("hour", [V], V, optionalArgs: 1),
            new("day_of_week", [V], V, optionalArgs: 1),
            new("day_of_month", [V], V, optionalArgs: 1),
            new("day_of_year", [V], V, optionalArgs: 1),
            new("days_in_month", [V], V, optionalArgs: 1),
            new("month", [V], V, optionalArgs: 1),
            new("year", [V], V, optionalArgs: 1),
        };
        foreach (var name in Math1.Keys)
        {
            functions.Add(new PromQlFunction(name, [V], V));
        }

        return functions.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
    }
}
