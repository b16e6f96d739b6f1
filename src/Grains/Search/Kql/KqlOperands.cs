namespace Pipeline.Grains.Search.Kql;

/// <summary>Hashing shared by the n-ary nodes, which compare their operand lists by value.</summary>
internal static class KqlOperands
{
    public static int HashOf(IReadOnlyList<KqlNode> operands, int seed)
    {
        var hash = new HashCode();
        hash.Add(seed);
        foreach (var operand in operands)
        {
            hash.Add(operand);
        }

        return hash.ToHashCode();
    }
}
