namespace Pipeline.Grains.Processing.Filters;

/// <summary>A parser's <c>types</c> entry (fluent-bit <c>Types</c>): what a parsed text value becomes.</summary>
public enum ParserValueType
{
    String,
    Integer,
    Float,
    Bool,

    /// <summary>Hexadecimal text (<c>ff</c>, <c>0x1F</c>) as an integer.</summary>
    Hex,
}
