using System.Globalization;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>
/// <c>GET /api/logs/deadletter?limit=&amp;tenant=</c> lists records a store rejected for good, with the
/// reason; <c>POST /api/logs/deadletter/replay?tenant=</c> sends them again once the cause is fixed.
/// A tenant token sees and replays only its tenant's letters; an admin token (or no auth) all.
/// </summary>
public static class DeadLetterEndpoints
{
    public const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/logs/deadletter", ListAsync);
        app.MapPost("/api/logs/deadletter/replay", ReplayAsync);
        return app;
    }

    private static async Task ListAsync(HttpContext http, DeadLetterFanOut letters, TenantDirectory tenants)
    {
        if (!BearerAuth.TryAuthorize(http, tenants, out var access))
        {
            await BearerAuth.ChallengeAsync(http);
            return;
        }

        var limit = DefaultLimit;
        var query = http.Request.Query;
        if (query["limit"].Count > 0 && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > DeadLetterStore.MaxPageSize))
        {
            await BadRequest(http, $"limit: expected a whole number from 0 to {DeadLetterStore.MaxPageSize}");
            return;
        }

        var list = await letters.ListAsync(TenantOf(http, access), limit);
        await http.Response.WriteAsJsonAsync(new
        {
            total = list.Total,
            letters = list.Letters.Select(l => new
            {
                id = l.Id,
                tenant = l.Tenant,
                output = l.Output,
                status = l.Status,
                reason = l.Reason,
                at = l.At,
                // The stored document is JSON already: hand it on as a value, not as an escaped string.
                document = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(l.Document),
            }),
        });
    }

    private static async Task ReplayAsync(HttpContext http, DeadLetterFanOut letters, TenantDirectory tenants)
    {
        if (!BearerAuth.TryAuthorize(http, tenants, out var access))
        {
            await BearerAuth.ChallengeAsync(http);
            return;
        }

        var result = await letters.ReplayAsync(TenantOf(http, access));
        await http.Response.WriteAsJsonAsync(new
        {
            replayed = result.Replayed,
            stored = result.Stored,
            rejected_again = result.RejectedAgain,
            remaining = result.Remaining,
            errors = result.Errors,
        });
    }

    /// <summary>A tenant token is held to its tenant; others may narrow with <c>?tenant=</c>.</summary>
    private static string? TenantOf(HttpContext http, SearchAccess access) =>
        access.Tenant ?? (http.Request.Query["tenant"].ToString() is { Length: > 0 } tenant ? tenant : null);

    private static Task BadRequest(HttpContext http, string message)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return http.Response.WriteAsJsonAsync(new { error = message });
    }
}
