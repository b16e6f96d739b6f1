namespace Pipeline.Grains.Search.Kql;

/// <summary>Matches the records at least one operand matches.</summary>
public sealed record KqlOr : KqlNode
{
    public KqlOr(IReadOnlyList<KqlNode> operands)
    {
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Count < 2)
        {
            throw new ArgumentException("'or' needs at least two operands.", nameof(operands));
        }

        Operands = operands;
    }

    public KqlOr(params KqlNode[] operands)
        : this((IReadOnlyList<KqlNode>)operands)
    {
    }

    public IReadOnlyList<KqlNode> Operands { get; }

    // Records compare lists by reference; compare the operands instead so parses compare equal.
    public bool Equals(KqlOr? other) => other is not null && Operands.SequenceEqual(other.Operands);

    public override int GetHashCode() => KqlOperands.HashOf(Operands, 31);

    public override string ToString() => $"or({string.Join(", ", Operands)})";
}
