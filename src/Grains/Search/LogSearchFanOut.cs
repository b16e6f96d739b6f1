using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Search;

/// <summary>
/// Runs a search on every active silo's store and merges: totals add up (stores hold
/// disjoint records), hits are merged newest first and cut to the limit.
/// </summary>
public sealed class LogSearchFanOut(IGrainFactory grains, IClusterMembershipService membership)
{
    public async Task<LogSearchResult> SearchAsync(LogSearchRequest request)
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToList();
        var answers = await Task.WhenAll(silos.Select(s => grains.GetGrain<ILogSearchGrain>(s).Search(request)));
        return Merge(answers, request.Limit);
    }

    public static LogSearchResult Merge(IReadOnlyList<LogSearchResult> answers, int limit)
    {
        if (answers.Count == 1)
        {
            return answers[0];
        }

        var hits = answers.SelectMany(a => a.Hits)
            .OrderByDescending(h => h.TimeUnixNanos)
            .ThenByDescending(h => h.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return new LogSearchResult { Total = answers.Sum(a => a.Total), Hits = hits };
    }
}
