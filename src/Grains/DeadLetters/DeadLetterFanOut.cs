using Pipeline.Contracts.Logs;
using Pipeline.Grains.Search;

namespace Pipeline.Grains.DeadLetters;

/// <summary>Asks every active silo's dead-letter grain and merges: totals add up, letters newest first.</summary>
public sealed class DeadLetterFanOut(IGrainFactory grains, IClusterMembershipService membership)
{
    public async Task<DeadLetterList> ListAsync(string? tenant, int limit)
    {
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IDeadLetterGrain>(s).List(tenant, limit)));
        return new DeadLetterList
        {
            Total = answers.Sum(a => a.Total),
            Letters = [.. answers.SelectMany(a => a.Letters).OrderByDescending(l => l.At).Take(limit)],
        };
    }

    public async Task<DeadLetterReplayResult> ReplayAsync(string? tenant)
    {
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IDeadLetterGrain>(s).Replay(tenant)));
        return new DeadLetterReplayResult
        {
            Replayed = answers.Sum(a => a.Replayed),
            Stored = answers.Sum(a => a.Stored),
            RejectedAgain = answers.Sum(a => a.RejectedAgain),
            Remaining = answers.Sum(a => a.Remaining),
            Errors = [.. answers.SelectMany(a => a.Errors)],
        };
    }
}
