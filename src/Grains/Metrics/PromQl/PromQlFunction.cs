namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// A function's signature as the parser checks it: argument types, how many of the trailing ones may
/// be left out, and whether the last one repeats (<c>label_join</c>).
/// </summary>
public sealed class PromQlFunction(string name, PromQlValueType[] argTypes, PromQlValueType returnType, int optionalArgs = 0, bool variadic = false)
{
    public string Name { get; } = name;

    public IReadOnlyList<PromQlValueType> ArgTypes { get; } = argTypes;

    public PromQlValueType ReturnType { get; } = returnType;

    /// <summary>How many trailing arguments may be left out.</summary>
    public int OptionalArgs { get; } = optionalArgs;

    /// <summary>Whether the last argument type may repeat any number of times.</summary>
    public bool Variadic { get; } = variadic;

    public override string ToString() => Name;
}
