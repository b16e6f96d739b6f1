namespace Pipeline.Grains.DeadLetters;

/// <summary>One page of <see cref="DeadLetterStore.ListAsync"/>, newest first.</summary>
public sealed record DeadLetterPage
{
    public required IReadOnlyList<StoredDeadLetter> Letters { get; init; }

    /// <summary>Letters matching the tenant filter, over all pages.</summary>
    public required long Total { get; init; }

    /// <summary>Pass it to the next call for the following page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}
