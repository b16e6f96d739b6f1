namespace Pipeline.Grains.Search.Kql;

/// <summary><c>field:*</c>: the record has a (non-null) value for the field.</summary>
public sealed record KqlExists(string Field) : KqlNode
{
    public override string ToString() => $"{Field}:*";
}
