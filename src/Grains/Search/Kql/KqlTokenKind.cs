namespace Pipeline.Grains.Search.Kql;

/// <summary>What a <see cref="KqlToken"/> is.</summary>
internal enum KqlTokenKind
{
    /// <summary>An unquoted run of characters, escapes resolved; several in a row make one value.</summary>
    Word,

    /// <summary>A double-quoted string: a phrase, or a field name before ':'.</summary>
    Quoted,
    LeftParen,
    RightParen,
    Colon,

    /// <summary><c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c> or <c>&lt;=</c>.</summary>
    Range,
    And,
    Or,
    Not,
    End,
}
