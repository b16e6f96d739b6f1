namespace Pipeline.Grains.DeadLetters;

/// <summary>A dead letter as the <see cref="DeadLetterStore"/> keeps it.</summary>
/// <param name="Sequence">
/// The store's number for this letter, increasing in the order letters were kept and never reused:
/// a letter replaced (same output and id) gets a new one, so removing a replayed letter by its
/// sequence never removes a newer refusal of the same record.
/// </param>
/// <param name="Letter">The letter.</param>
public sealed record StoredDeadLetter(long Sequence, DeadLetter Letter);
