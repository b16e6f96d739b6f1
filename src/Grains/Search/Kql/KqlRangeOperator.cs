namespace Pipeline.Grains.Search.Kql;

/// <summary>The comparison of a range expression such as <c>status &gt;= 500</c>.</summary>
public enum KqlRangeOperator
{
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}
