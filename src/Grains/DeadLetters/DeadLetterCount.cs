namespace Pipeline.Grains.DeadLetters;

/// <summary>How many letters the store keeps for one output and tenant.</summary>
public sealed record DeadLetterCount(string Output, string Tenant, long Count);
