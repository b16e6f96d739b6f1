namespace Pipeline.Grains.Search.Kql;

/// <summary>Matches the records every operand matches.</summary>
public sealed record KqlAnd : KqlNode
{
    public KqlAnd(IReadOnlyList<KqlNode> operands)
    {
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Count < 2)
        {
            throw new ArgumentException("'and' needs at least two operands.", nameof(operands));
        }

        Operands = operands;
    }

    public KqlAnd(params KqlNode[] operands)
        : this((IReadOnlyList<KqlNode>)operands)
    {
    }

    public IReadOnlyList<KqlNode> Operands { get; }

    // Records compare lists by reference; compare the operands instead so parses compare equal.
    public bool Equals(KqlAnd? other) => other is not null && Operands.SequenceEqual(other.Operands);

    public override int GetHashCode() => KqlOperands.HashOf(Operands, 17);

    public override string ToString() => $"and({string.Join(", ", Operands)})";
}
