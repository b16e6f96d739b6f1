namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// <c>field:value</c>. <see cref="Value"/> is the unescaped text when <see cref="HasWildcard"/>
/// is false. When it is true, <see cref="Value"/> is a wildcard pattern: <c>*</c> stands for any
/// characters and a backslash makes the next character literal (<c>\*</c>, <c>\\</c>); see
/// <see cref="KqlWildcardPattern"/>. A phrase (a quoted value) never has wildcards.
/// </summary>
public sealed record KqlFieldMatch(string Field, string Value, bool IsPhrase, bool HasWildcard) : KqlNode
{
    public override string ToString() => $"{Field}:{KqlFreeText.Show(Value, IsPhrase)}";
}
