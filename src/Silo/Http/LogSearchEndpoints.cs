using System.Globalization;
using System.Text;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Search;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>
/// <c>GET /api/logs/search?q=&amp;from=&amp;to=&amp;limit=</c>: KQL over the stores of every silo.
/// When tokens are configured, a tenant token searches only its tenant's records and an admin token all.
/// </summary>
public static class LogSearchEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapLogSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/logs/search", SearchAsync);
        return app;
    }

    private static async Task SearchAsync(HttpContext http, LogSearchFanOut search, TenantDirectory tenants)
    {
        if (!BearerAuth.TryAuthorize(http, tenants, out var access))
        {
            await BearerAuth.ChallengeAsync(http);
            return;
        }

        var query = http.Request.Query;
        var q = query["q"].ToString();
        try
        {
            KqlParser.Parse(q);
        }
        catch (KqlSyntaxException e)
        {
            await Error(http, $"q: {e.Message}", e.Position);
            return;
        }

        if (!TryTime(query["from"], long.MinValue, out var from) || !TryTime(query["to"], long.MaxValue, out var to))
        {
            await Error(http, "from/to: expected RFC3339 times such as 2026-11-25T10:00:00Z");
            return;
        }

        var limit = DefaultLimit;
        if (query["limit"].Count > 0 && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > MaxLimit))
        {
            await Error(http, $"limit: expected a whole number from 0 to {MaxLimit}");
            return;
        }

        LogSearchResult result;
        try
        {
            result = await search.SearchAsync(new LogSearchRequest { Query = q, FromUnixNanos = from, ToUnixNanos = to, Limit = limit, Tenant = access.Tenant });
        }
        catch (ElasticsearchRequestException e)
        {
            // The store behind the search is down or refused it: a gateway error that names it and says why, not an empty 500.
            var store = search.StoreFor(access.Tenant)?.Name ?? "elasticsearch";
            http.Response.StatusCode = e.Status is 429 or 503 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
            await http.Response.WriteAsJsonAsync(new
            {
                error = $"the log store '{store}' (Elasticsearch) could not answer the search: {e.Message}",
                store,
                storeType = "elasticsearch",
                cause = Cause(e),
                status = e.Status,
            });
            return;
        }

        // Hits are stored as JSON documents; write them as they are rather than parse and re-serialize.
        var body = new StringBuilder(256 + result.Hits.Sum(h => h.Document.Length + 1));
        body.Append("{\"total\":").Append(result.Total.ToString(CultureInfo.InvariantCulture)).Append(",\"hits\":[");
        for (var i = 0; i < result.Hits.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(result.Hits[i].Document);
        }

        body.Append("]}");
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToString());
    }

    /// <summary>The innermost message that still says where (the HTTP client's "Connection refused (es-0:9200)", not the socket's bare one).</summary>
    private static string Cause(ElasticsearchRequestException e)
    {
        var cause = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException && cause != e.Message)
            {
                break;
            }

            cause = inner.Message;
        }

        return cause;
    }

    private static bool TryTime(string? text, long fallback, out long unixNanos)
    {
        unixNanos = fallback;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        unixNanos = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return true;
    }

    private static Task Error(HttpContext http, string message, int? position = null)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return http.Response.WriteAsJsonAsync(new { error = message, position });
    }
}
