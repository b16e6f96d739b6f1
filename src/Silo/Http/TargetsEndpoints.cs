using System.Globalization;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>
/// <c>GET /api/v1/targets?state=active|dropped|any&amp;scrapePool=job</c> in Prometheus's shape: the active
/// targets of every scrape job with their labels, health, last error, last scrape and its duration, and
/// the dropped ones. Targets span tenants, so with tokens configured only an admin token may read them.
/// </summary>
public static class TargetsEndpoints
{
    public static IEndpointRouteBuilder MapTargets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/targets", TargetsAsync);
        return app;
    }

    private static async Task TargetsAsync(HttpContext http, PipelineConfig config, IGrainFactory grains, TenantDirectory tenants)
    {
        if (!await BearerAuth.AuthorizeAdminAsync(http, tenants, "targets"))
        {
            return;
        }

        var state = http.Request.Query["state"].ToString();
        if (state is not ("" or "any" or "active" or "dropped"))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { status = "error", errorType = "bad_data", error = $"state: '{state}' is not one of active, dropped, any" });
            return;
        }

        var pool = http.Request.Query["scrapePool"].ToString();
        var jobs = config.Metrics.ScrapeJobs.Where(j => pool.Length == 0 || j.JobName == pool).ToList();
        var pools = await Task.WhenAll(jobs.Select(j => grains.GetGrain<IDiscoveryGrain>(j.JobName).GetTargets()));
        var showActive = state is "" or "any" or "active";
        var showDropped = state is "" or "any" or "dropped";
        await http.Response.WriteAsJsonAsync(new
        {
            status = "success",
            data = new
            {
                activeTargets = showActive ? pools.SelectMany(p => p.Active).Select(Active).ToList() : [],
                droppedTargets = showDropped ? pools.SelectMany(p => p.Dropped).Select(d => new { discoveredLabels = Map(d) }).ToList<object>() : [],
                droppedTargetCounts = pools.ToDictionary(p => p.Job, p => p.DroppedCount),
                discoveryErrors = pools.Where(p => p.DiscoveryErrors.Count > 0).ToDictionary(p => p.Job, p => p.DiscoveryErrors),
            },
        });
    }

    private static object Active(ScrapeTargetStatus target) => new
    {
        discoveredLabels = Map(target.DiscoveredLabels),
        labels = Map(target.Labels),
        scrapePool = target.ScrapePool,
        scrapeUrl = target.ScrapeUrl,
        globalUrl = target.ScrapeUrl,
        lastError = target.LastError,
        lastScrape = (target.LastScrape ?? DateTimeOffset.MinValue).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture),
        lastScrapeDuration = target.LastScrapeDurationSeconds,
        health = target.Health,
        scrapeInterval = PrometheusDuration.Format(target.ScrapeInterval),
        scrapeTimeout = PrometheusDuration.Format(target.ScrapeTimeout),
        silo = target.Silo,
    };

    private static Dictionary<string, string> Map(KeyValuePair<string, string>[] labels) =>
        labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
}
