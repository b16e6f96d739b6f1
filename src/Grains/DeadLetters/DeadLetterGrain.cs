using Pipeline.Contracts.Logs;
using Pipeline.Grains.Placement;

namespace Pipeline.Grains.DeadLetters;

/// <summary>Lists and replays this silo's dead letters; one per silo, placed on it.</summary>
[SiloPlacement]
public sealed class DeadLetterGrain(DeadLetterStore store, DeadLetterReplayer replayer) : Grain, IDeadLetterGrain
{
    public async Task<DeadLetterList> List(string? tenant, int limit)
    {
        var page = await store.ListAsync(tenant, Math.Clamp(limit, 0, DeadLetterStore.MaxPageSize), null, CancellationToken.None);
        return new DeadLetterList
        {
            Total = page.Total,
            Letters = [.. page.Letters.Select(l => new DeadLetterView
            {
                Id = l.Letter.Id,
                Tenant = l.Letter.Tenant,
                Output = l.Letter.Output,
                Reason = l.Letter.Reason,
                Status = l.Letter.Status,
                Document = l.Letter.Document,
                At = l.Letter.At,
            })],
        };
    }

    public Task<DeadLetterReplayResult> Replay(string? tenant) => replayer.ReplayAsync(tenant, CancellationToken.None);
}
