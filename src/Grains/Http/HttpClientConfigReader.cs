using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Http;

/// <summary>Reads the <see cref="HttpClientConfig"/> keys of a section, reporting mistakes on it.</summary>
internal static class HttpClientConfigReader
{
    /// <summary>
    /// Reads <c>basic_auth</c>, <c>authorization</c>, <c>bearer_token</c>, <c>bearer_token_file</c>,
    /// <c>tls_config</c> and <c>follow_redirects</c> of <paramref name="entry"/>. The caller still
    /// calls <see cref="ConfigNode.RejectUnknownKeys"/> on the entry once it read its own keys.
    /// </summary>
    public static HttpClientConfig Read(ConfigNode entry)
    {
        string? username = null, password = null, passwordFile = null;
        if (entry.Section("basic_auth") is { } basic)
        {
            username = basic.String("username");
            password = basic.String("password");
            passwordFile = basic.String("password_file");
            basic.RejectUnknownKeys();
            if (username is null)
            {
                basic.Error("basic_auth needs 'username'");
            }

            if (password is not null && passwordFile is not null)
            {
                basic.ValueError("password_file", "use either password or password_file, not both");
            }
        }

        var authorizationType = HttpClientConfig.DefaultAuthorizationType;
        string? credentials = null, credentialsFile = null;
        if (entry.Section("authorization") is { } authorization)
        {
            authorizationType = authorization.String("type", HttpClientConfig.DefaultAuthorizationType)!;
            credentials = authorization.String("credentials");
            credentialsFile = authorization.String("credentials_file");
            authorization.RejectUnknownKeys();
            if (credentials is not null && credentialsFile is not null)
            {
                authorization.ValueError("credentials_file", "use either credentials or credentials_file, not both");
            }

            if (string.Equals(authorizationType, "basic", StringComparison.OrdinalIgnoreCase))
            {
                authorization.ValueError("type", "authorization type cannot be Basic; use basic_auth");
            }
        }

        // The older spelling; Prometheus refuses it beside `authorization`.
        var bearerToken = entry.String("bearer_token");
        var bearerTokenFile = entry.String("bearer_token_file");
        if (bearerToken is not null || bearerTokenFile is not null)
        {
            if (credentials is not null || credentialsFile is not null)
            {
                entry.ValueError(bearerToken is not null ? "bearer_token" : "bearer_token_file", "use either authorization or bearer_token/bearer_token_file, not both");
            }
            else
            {
                credentials = bearerToken;
                credentialsFile = bearerTokenFile;
            }
        }

        if (username is not null && (credentials is not null || credentialsFile is not null))
        {
            entry.ValueError("basic_auth", "use at most one of basic_auth and authorization/bearer_token");
        }

        string? caFile = null, certFile = null, keyFile = null, serverName = null;
        var insecure = false;
        if (entry.Section("tls_config") is { } tls)
        {
            caFile = tls.String("ca_file");
            certFile = tls.String("cert_file");
            keyFile = tls.String("key_file");
            serverName = tls.String("server_name");
            insecure = tls.Bool("insecure_skip_verify", false);
            tls.String("min_version"); // accepted; .NET negotiates TLS 1.2 or newer
            tls.RejectUnknownKeys();
            if ((certFile is null) != (keyFile is null))
            {
                tls.Error("tls_config needs both cert_file and key_file for a client certificate");
            }
        }

        return new HttpClientConfig
        {
            BasicAuthUsername = username,
            BasicAuthPassword = password,
            BasicAuthPasswordFile = passwordFile,
            AuthorizationType = authorizationType,
            AuthorizationCredentials = credentials,
            AuthorizationCredentialsFile = credentialsFile,
            TlsCaFile = caFile,
            TlsCertFile = certFile,
            TlsKeyFile = keyFile,
            TlsServerName = serverName,
            TlsInsecureSkipVerify = insecure,
            FollowRedirects = entry.Bool("follow_redirects", true),
        };
    }
}
