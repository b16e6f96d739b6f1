namespace Pipeline.Grains.DeadLetters;

/// <summary>Where an output puts records a store rejected for good (a mapping conflict, a document too large…).</summary>
public interface IDeadLetterSink
{
    /// <summary>Keeps the letters durably before returning; a record id already kept for the same output is replaced, not doubled.</summary>
    Task AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellation);
}

/// <summary>One record a store refused, with why.</summary>
public sealed record DeadLetter
{
    /// <summary>The record's deterministic id.</summary>
    public required string Id { get; init; }

    public required string Tenant { get; init; }

    /// <summary>Name of the output that refused it; a replay sends it there again.</summary>
    public required string Output { get; init; }

    /// <summary>The store's reason (for Elasticsearch: the item's error type and reason).</summary>
    public required string Reason { get; init; }

    /// <summary>The store's status for the item (HTTP status for Elasticsearch), 0 when none.</summary>
    public int Status { get; init; }

    /// <summary>The whole document as <c>LogEventDocument</c> writes it with its <c>_id</c>, so it can be re-sent unchanged.</summary>
    public required string Document { get; init; }

    /// <summary>When the record was dead-lettered.</summary>
    public required DateTimeOffset At { get; init; }
}
