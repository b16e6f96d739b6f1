using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>Reads <c>Authorization: Bearer &lt;token&gt;</c> and answers 401 the way RFC 6750 says.</summary>
public static class BearerAuth
{
    private const string Scheme = "Bearer ";

    /// <summary>What the request's token may see; false when a token is required and missing or unknown.</summary>
    public static bool TryAuthorize(HttpContext http, TenantDirectory tenants, out SearchAccess access)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        access = tenants.Authorize(token);
        return access.Allowed;
    }

    /// <summary>
    /// For endpoints whose data spans tenants (targets, containers, metrics): true when the request may
    /// read them (no tokens configured, or an admin token); otherwise answers 401 (no or unknown token)
    /// or 403 naming <paramref name="what"/> (a tenant token) and returns false.
    /// </summary>
    public static async Task<bool> AuthorizeAdminAsync(HttpContext http, TenantDirectory tenants, string what)
    {
        if (!TryAuthorize(http, tenants, out var access))
        {
            await ChallengeAsync(http);
            return false;
        }

        if (access.Tenant is null)
        {
            return true;
        }

        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        await http.Response.WriteAsJsonAsync(new { status = "error", errorType = "forbidden", error = $"{what} span tenants: an admin token is needed" });
        return false;
    }

    public static Task ChallengeAsync(HttpContext http)
    {
        var presented = http.Request.Headers.Authorization.Count > 0;
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = presented
            ? "Bearer realm=\"pipeline\", error=\"invalid_token\""
            : "Bearer realm=\"pipeline\"";
        return http.Response.WriteAsJsonAsync(new { error = presented ? "the bearer token is not valid" : "a bearer token is required" });
    }
}
