using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Grains.Http;

/// <summary>Builds the pooled <see cref="SocketsHttpHandler"/> an <see cref="HttpClientConfig"/> asks for.</summary>
public static class HttpClientHandlers
{
    /// <summary>
    /// A handler with pooled connections, no automatic decompression (callers decode bodies as they
    /// stream), redirects as configured, and the <c>tls_config</c> trust: the CA file's certificates
    /// besides the system's, a client certificate, a server name, or no check when asked.
    /// </summary>
    public static SocketsHttpHandler Create(HttpClientConfig config, int maxConnectionsPerServer = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(config);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = config.FollowRedirects,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            UseCookies = false,
        };

        var ssl = new SslClientAuthenticationOptions();
        if (config.TlsServerName is { } serverName)
        {
            ssl.TargetHost = serverName;
        }

        if (config.TlsInsecureSkipVerify)
        {
            // The user asked for it (tls_config.insecure_skip_verify), as in Prometheus.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.TlsCaFile is { } caFile)
        {
            var authorities = TlsTrust.LoadCertificates(caFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                TlsTrust.IsTrusted(certificate, chain, errors, authorities);
        }

        if (config.TlsCertFile is { } certFile && config.TlsKeyFile is { } keyFile)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }

        handler.SslOptions = ssl;
        return handler;
    }
}
