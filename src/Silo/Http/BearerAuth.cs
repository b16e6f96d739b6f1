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
