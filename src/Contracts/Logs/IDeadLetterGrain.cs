namespace Pipeline.Contracts.Logs;

/// <summary>
/// The dead letters of one silo (records a store rejected for good, kept under its data dir).
/// Keyed by silo address and placed on that silo; the HTTP API fans out to one per silo.
/// </summary>
[Alias("pipeline.IDeadLetterGrain")]
public interface IDeadLetterGrain : IGrainWithStringKey
{
    /// <summary>The newest letters (of one tenant, or all when null) and the exact total.</summary>
    [Alias("List")]
    Task<DeadLetterList> List(string? tenant, int limit);

    /// <summary>Sends the letters (of one tenant, or all when null) to their outputs again; those stored leave the dead-letter store.</summary>
    [Alias("Replay")]
    Task<DeadLetterReplayResult> Replay(string? tenant);
}

[GenerateSerializer, Immutable, Alias("pipeline.DeadLetterView")]
public sealed record DeadLetterView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Tenant { get; init; }
    [Id(2)] public required string Output { get; init; }
    [Id(3)] public required string Reason { get; init; }
    [Id(4)] public int Status { get; init; }

    /// <summary>The record as it would have been stored (JSON, with <c>_id</c>).</summary>
    [Id(5)] public required string Document { get; init; }

    [Id(6)] public DateTimeOffset At { get; init; }
}

[GenerateSerializer, Immutable, Alias("pipeline.DeadLetterList")]
public sealed record DeadLetterList
{
    [Id(0)] public long Total { get; init; }
    [Id(1)] public IReadOnlyList<DeadLetterView> Letters { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("pipeline.DeadLetterReplayResult")]
public sealed record DeadLetterReplayResult
{
    /// <summary>Letters sent again.</summary>
    [Id(0)] public long Replayed { get; init; }

    /// <summary>Of those, stored now, or found already stored.</summary>
    [Id(1)] public long Stored { get; init; }

    /// <summary>Of those, refused again (kept, with the new reason).</summary>
    [Id(2)] public long RejectedAgain { get; init; }

    /// <summary>Letters left in the store afterwards (for the tenant asked about).</summary>
    [Id(3)] public long Remaining { get; init; }

    /// <summary>Why the replay stopped early (an output that is down, a letter that names an unknown output), if it did.</summary>
    [Id(4)] public IReadOnlyList<string> Errors { get; init; } = [];
}
