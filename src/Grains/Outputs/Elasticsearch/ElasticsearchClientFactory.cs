using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Builds the Elasticsearch client for an output's options: its node pool, credentials (basic
/// or API key), TLS trust (the CA of <c>tls.ca_file</c>, host names always checked), gzip
/// request compression and request timeout. Requests are not retried by the client on one node;
/// with several nodes a request fails over to the next one, and everything else is the output's
/// own retry logic.
/// </summary>
public static class ElasticsearchClientFactory
{
    public static ElasticsearchClientSettings CreateSettings(ElasticsearchLogOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        NodePool pool = options.Hosts.Count == 1
            ? new SingleNodePool(options.Hosts[0])
            : new StaticNodePool(options.Hosts, randomize: false);
        var settings = new ElasticsearchClientSettings(pool)
            .RequestTimeout(options.RequestTimeout)
            .EnableHttpCompression(options.Compress)
            .ThrowExceptions(false);
        if (options.User is { } user)
        {
            settings = settings.Authentication(new BasicAuthentication(user, options.Password ?? ""));
        }
        else if (options.ApiKey is { } apiKey)
        {
            settings = settings.Authentication(new ApiKey(apiKey));
        }

        if (!options.VerifyCertificates)
        {
            settings = settings.ServerCertificateValidationCallback(CertificateValidations.AllowAll);
        }
        else if (options.CaFile is { } caFile)
        {
            var authorities = LoadCertificates(caFile);
            settings = settings.ServerCertificateValidationCallback((_, certificate, chain, errors) =>
                IsTrusted(certificate, chain, errors, authorities));
        }

        return settings;
    }

    public static ElasticsearchClient Create(ElasticsearchLogOutputOptions options) => new(CreateSettings(options));

    /// <summary>The certificates of a PEM bundle or a single DER file.</summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        var bytes = File.ReadAllBytes(path);
        if (System.Text.Encoding.ASCII.GetString(bytes).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            collection.ImportFromPemFile(path);
        }
        else
        {
            collection.Add(X509CertificateLoader.LoadCertificate(bytes));
        }

        if (collection.Count == 0)
        {
            throw new InvalidOperationException($"tls.ca_file: '{path}' holds no certificate");
        }

        return collection;
    }

    /// <summary>
    /// Trusts a server certificate that chains to one of <paramref name="authorities"/> (as
    /// well as one the system already trusts). A wrong host name is never accepted.
    /// </summary>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
