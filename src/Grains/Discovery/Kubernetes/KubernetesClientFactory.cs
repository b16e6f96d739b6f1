using k8s;

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
            return new KubernetesClientConfiguration { Host = api.ToString() };
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
}
