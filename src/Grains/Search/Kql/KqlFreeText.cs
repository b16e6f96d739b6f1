namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// A bare term, terms or phrase, searched in the message. Unquoted words make one value that
/// matches a record holding ANY of them (Kibana sends them as one match query on an analysed
/// field, whose default operator is OR); a quoted phrase matches the words in order.
/// <see cref="Value"/> follows the same wildcard convention as <see cref="KqlFieldMatch"/>.
/// </summary>
public sealed record KqlFreeText(string Value, bool IsPhrase, bool HasWildcard) : KqlNode
{
    public override string ToString() => Show(Value, IsPhrase);

    internal static string Show(string value, bool isPhrase) => isPhrase ? $"\"{value}\"" : value;
}
