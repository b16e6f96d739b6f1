namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// One token of a query. For a word, <see cref="Text"/> is the unescaped text and
/// <see cref="Pattern"/> the same text in <see cref="KqlWildcardPattern"/> form (it differs
/// only when the word has wildcards or escaped <c>*</c> / <c>\</c>).
/// </summary>
internal readonly record struct KqlToken(
    KqlTokenKind Kind,
    int Position,
    int End,
    string Text,
    string Pattern,
    bool HasWildcard,
    KqlRangeOperator Operator)
{
    public static KqlToken Symbol(KqlTokenKind kind, int position, int length) =>
        new(kind, position, position + length, string.Empty, string.Empty, false, default);

    /// <summary>How an error message names this token.</summary>
    public string Describe(string query) => Kind == KqlTokenKind.End
        ? "end of query"
        : $"'{query[Position..End]}'";
}
