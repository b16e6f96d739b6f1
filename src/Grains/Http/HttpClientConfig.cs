namespace Pipeline.Grains.Http;

/// <summary>
/// Prometheus's common HTTP client settings, as written under a <c>scrape_config</c>, an
/// <c>http_sd_config</c> or a <c>remote_write</c> entry: <c>basic_auth</c>, <c>authorization</c>
/// (or the older <c>bearer_token</c> / <c>bearer_token_file</c>), <c>tls_config</c> and
/// <c>follow_redirects</c>. Read by <see cref="HttpClientConfigReader"/>; turned into a handler by
/// <see cref="HttpClientHandlers.Create"/> and into a header by <see cref="Authorization"/>.
/// </summary>
public sealed record HttpClientConfig
{
    public const string DefaultAuthorizationType = "Bearer";

    public static HttpClientConfig None { get; } = new();

    public string? BasicAuthUsername { get; init; }

    public string? BasicAuthPassword { get; init; }

    /// <summary>Read for every request, so a rotated secret is used at once.</summary>
    public string? BasicAuthPasswordFile { get; init; }

    public string AuthorizationType { get; init; } = DefaultAuthorizationType;

    public string? AuthorizationCredentials { get; init; }

    /// <summary>Read for every request, so a rotated token is used at once.</summary>
    public string? AuthorizationCredentialsFile { get; init; }

    public string? TlsCaFile { get; init; }

    public string? TlsCertFile { get; init; }

    public string? TlsKeyFile { get; init; }

    public string? TlsServerName { get; init; }

    public bool TlsInsecureSkipVerify { get; init; }

    /// <summary>Prometheus follows redirects by default.</summary>
    public bool FollowRedirects { get; init; } = true;

    /// <summary>
    /// The <c>Authorization</c> header these settings ask for, or null. Secret files are read
    /// now (a trailing newline is not part of the secret); an unreadable one throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue? Authorization()
    {
        if (BasicAuthUsername is { } user)
        {
            var password = BasicAuthPasswordFile is { } file ? ReadSecret(file) : BasicAuthPassword ?? "";
            return new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        var credentials = AuthorizationCredentialsFile is { } credentialsFile ? ReadSecret(credentialsFile) : AuthorizationCredentials;
        return credentials is null ? null : new(AuthorizationType, credentials);
    }

    private static string ReadSecret(string path) => File.ReadAllText(path).Trim();
}
