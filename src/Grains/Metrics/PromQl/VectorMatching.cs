namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>The <c>on</c>/<c>ignoring</c> and <c>group_left</c>/<c>group_right</c> of a binary operation between two vectors.</summary>
public sealed class VectorMatching(VectorMatchCardinality cardinality, IReadOnlyList<string> matchingLabels, bool on, IReadOnlyList<string> include)
{
    public VectorMatchCardinality Cardinality { get; } = cardinality;

    /// <summary>The labels of <c>on(…)</c> or <c>ignoring(…)</c>.</summary>
    public IReadOnlyList<string> MatchingLabels { get; } = matchingLabels;

    /// <summary>True for <c>on</c>: only <see cref="MatchingLabels"/> match; false: every label but those (and <c>__name__</c>).</summary>
    public bool On { get; } = on;

    /// <summary>The labels of <c>group_left(…)</c>/<c>group_right(…)</c> copied from the "one" side.</summary>
    public IReadOnlyList<string> Include { get; } = include;
}
