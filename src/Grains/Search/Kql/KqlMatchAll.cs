namespace Pipeline.Grains.Search.Kql;

/// <summary>Matches every record: the empty query and a lone <c>*</c>.</summary>
public sealed record KqlMatchAll : KqlNode
{
    public static readonly KqlMatchAll Instance = new();

    private KqlMatchAll()
    {
    }

    public override string ToString() => "*";
}
