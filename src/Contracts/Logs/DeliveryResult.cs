namespace Pipeline.Contracts.Logs;

/// <summary>What an aggregator says about a batch it was handed.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.DeliveryResult")]
public sealed record DeliveryResult
{
    /// <summary>True when every record is stored (or deliberately dropped/dead-lettered): the sender may commit offsets.</summary>
    [Id(0)] public required bool Delivered { get; init; }

    /// <summary>Why delivery failed, when it did; the sender keeps the batch and retries.</summary>
    [Id(1)] public string? Error { get; init; }

    /// <summary>Records written to a store for the first time (replays are not counted).</summary>
    [Id(2)] public int Stored { get; init; }

    public static readonly DeliveryResult Success = new() { Delivered = true };

    public static DeliveryResult Failed(string error) => new() { Delivered = false, Error = error };
}
