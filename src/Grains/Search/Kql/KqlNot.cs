namespace Pipeline.Grains.Search.Kql;

/// <summary>Matches the records its operand does not match (records without the field included).</summary>
public sealed record KqlNot(KqlNode Operand) : KqlNode
{
    public override string ToString() => $"not({Operand})";
}
