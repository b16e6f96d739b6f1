namespace Pipeline.Grains.Processing.Filters;

/// <summary>How a grep filter combines its rules (fluent-bit <c>logical_op</c>).</summary>
public enum GrepLogicalOperator
{
    /// <summary>Every <c>regex</c> rule must match and any matching <c>exclude</c> rule drops the record.</summary>
    Legacy,

    /// <summary>Only one kind of rule: <c>regex</c> keeps a record when all match, <c>exclude</c> drops it when all match.</summary>
    And,

    /// <summary>Only one kind of rule: <c>regex</c> keeps a record when any matches, <c>exclude</c> drops it when any matches.</summary>
    Or,
}
