namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>A node of a parsed query. Nodes are immutable; the evaluator keeps its per-query state beside them, keyed by node.</summary>
public abstract class PromQlExpr
{
    /// <summary>Where the node starts in the query text (for error messages).</summary>
    public int Position { get; init; }

    /// <summary>The type the node evaluates to; the parser checks types as Prometheus does, so the evaluator need not.</summary>
    public abstract PromQlValueType Type { get; }
}
