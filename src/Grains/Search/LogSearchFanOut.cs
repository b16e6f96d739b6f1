using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Search.Elasticsearch;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Grains.Search;

/// <summary>
/// Answers a search from the right store. A tenant's search reads the first searchable output
/// (embedded or Elasticsearch) its records are routed to; an unrestricted search reads the first
/// searchable output of the file. Elasticsearch is one store for the cluster and is asked directly;
/// the embedded stores are one per silo, so the search runs on every active silo and the answers
/// are merged: totals add up (stores hold disjoint records), hits newest first, cut to the limit.
/// </summary>
public sealed class LogSearchFanOut(IGrainFactory grains, IClusterMembershipService membership, PipelineConfig config, TenantDirectory tenants, IServiceProvider services)
{
    public async Task<LogSearchResult> SearchAsync(LogSearchRequest request)
    {
        var store = StoreFor(request.Tenant);
        if (store is { Type: LogOutputType.Elasticsearch } elasticsearch)
        {
            var search = services.GetRequiredKeyedService<ElasticsearchLogSearch>(elasticsearch.Name);
            return await search.SearchAsync(KqlParser.Parse(request.Query), request.FromUnixNanos, request.ToUnixNanos, request.Limit, request.Tenant, CancellationToken.None);
        }

        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<ILogSearchGrain>(s).Search(request)));
        return Merge(answers, request.Limit);
    }

    /// <summary>The output a search reads: the first searchable one the tenant's records go to (or the first of all).</summary>
    public LogOutputConfig? StoreFor(string? tenant) =>
        config.Logs.Outputs.FirstOrDefault(o =>
            o.Type is LogOutputType.Embedded or LogOutputType.Elasticsearch && (tenant is null || tenants.Routes(tenant, o.Name)));

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
