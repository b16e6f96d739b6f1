using k8s;
using Pipeline.Grains.Http;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>Builds the KubernetesClient for a discovery from its options.</summary>
public static class KubernetesClientFactory
{
    public static IKubernetes Create(KubernetesDiscoveryOptions options)
    {
        var result = new KubernetesDiscoveryOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new ArgumentException("kubernetes_sd_configs: " + result.FailureMessage, nameof(options));
        }

        return new k8s.Kubernetes(Configuration(options));
    }

    public static KubernetesClientConfiguration Configuration(KubernetesDiscoveryOptions options)
    {
        if (options.ApiServer is { } api)
        {
            return WithHttpClientConfig(new KubernetesClientConfiguration { Host = api.ToString() }, options.Http);
        }

        if (options.KubeConfigFile is { Length: > 0 } file)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(file, options.KubeConfigContext);
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        throw new InvalidOperationException(
            "kubernetes_sd_configs: no API server to talk to: not running in a pod (no service-account token), " +
            "and neither api_server nor kubeconfig_file is set; set one of them");
    }

    // api_server with Prometheus's HTTP client keys: credentials per request (a rotated secret file is read again), TLS as asked.
    private static KubernetesClientConfiguration WithHttpClientConfig(KubernetesClientConfiguration configuration, HttpClientConfig http)
    {
        if (http.BasicAuthUsername is not null || http.AuthorizationCredentials is not null || http.AuthorizationCredentialsFile is not null)
        {
            configuration.TokenProvider = new HttpClientConfigTokenProvider(http);
        }

        configuration.SkipTlsVerify = http.TlsInsecureSkipVerify;
        if (http.TlsCaFile is { } caFile)
        {
            configuration.SslCaCerts = TlsTrust.LoadCertificates(caFile);
        }

        configuration.ClientCertificateFilePath = http.TlsCertFile;
        configuration.ClientKeyFilePath = http.TlsKeyFile;
        configuration.TlsServerName = http.TlsServerName;
        return configuration;
    }

    private sealed class HttpClientConfigTokenProvider(HttpClientConfig http) : k8s.Authentication.ITokenProvider
    {
        public Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            Task.FromResult(http.Authorization()!);
    }
}
