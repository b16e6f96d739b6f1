using Pipeline.Contracts.Logs;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Search;

/// <summary>Answers a search from this silo's embedded store; one per silo, placed on it.</summary>
[SiloPlacement]
public sealed class LogSearchGrain(IServiceProvider services) : Grain, ILogSearchGrain
{
    private static readonly LogSearchResult Empty = new() { Total = 0, Hits = [] };

    public async Task<LogSearchResult> Search(LogSearchRequest request)
    {
        if (services.GetService(typeof(EmbeddedLogStore)) is not EmbeddedLogStore store)
        {
            return Empty;
        }

        var query = KqlParser.Parse(request.Query);
        return await store.SearchAsync(query, request.FromUnixNanos, request.ToUnixNanos, request.Limit, CancellationToken.None, request.Tenant);
    }
}
