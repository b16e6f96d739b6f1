namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>One token: its kind, where it starts in the query, and its text (a string token's unescaped value, a number's parsed value).</summary>
internal readonly record struct PromQlToken(PromQlTokenKind Kind, int Position, string Text, double Number = 0, long DurationMs = 0);
