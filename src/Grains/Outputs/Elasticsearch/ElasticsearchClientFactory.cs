using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Pipeline.Grains.Http;

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
            var authorities = TlsTrust.LoadCertificates(caFile);
            settings = settings.ServerCertificateValidationCallback((_, certificate, chain, errors) =>
                TlsTrust.IsTrusted(certificate, chain, errors, authorities));
        }

        return settings;
    }

    public static ElasticsearchClient Create(ElasticsearchLogOutputOptions options) => new(CreateSettings(options));
}
