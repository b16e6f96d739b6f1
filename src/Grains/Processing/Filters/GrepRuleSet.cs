namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// The rules of a grep filter (also used by <c>log_to_metrics</c> to choose the records it
/// counts) and how they combine. Rules are evaluated in order and stop as soon as the outcome is
/// known.
/// </summary>
public sealed class GrepRuleSet
{
    public static readonly GrepRuleSet Empty = new([], GrepLogicalOperator.Legacy);

    public GrepRuleSet(IReadOnlyList<GrepRule> rules, GrepLogicalOperator logicalOperator)
    {
        Rules = rules;
        LogicalOperator = logicalOperator;
    }

    public IReadOnlyList<GrepRule> Rules { get; }

    public GrepLogicalOperator LogicalOperator { get; }

    /// <summary>Whether the record passes: kept by grep, counted by log_to_metrics.</summary>
    internal bool Passes(LogEvent record, FieldMatcher matcher)
    {
        var rules = Rules;
        switch (LogicalOperator)
        {
            case GrepLogicalOperator.And:
                for (var i = 0; i < rules.Count; i++)
                {
                    if (!matcher.IsMatch(record, rules[i].Key, rules[i].Pattern))
                    {
                        // Not all matched: a regex set does not keep, an exclude set does not drop.
                        return rules[i].Exclude;
                    }
                }

                return rules.Count == 0 || !rules[0].Exclude;
            case GrepLogicalOperator.Or:
                for (var i = 0; i < rules.Count; i++)
                {
                    if (matcher.IsMatch(record, rules[i].Key, rules[i].Pattern))
                    {
                        return !rules[i].Exclude;
                    }
                }

                return rules.Count == 0 || rules[0].Exclude;
            default:
                for (var i = 0; i < rules.Count; i++)
                {
                    if (matcher.IsMatch(record, rules[i].Key, rules[i].Pattern) == rules[i].Exclude)
                    {
                        return false;
                    }
                }

                return true;
        }
    }
}
