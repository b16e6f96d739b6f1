namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>One <c>kubernetes_sd_configs</c> entry: the options of a <see cref="KubernetesDiscovery"/>.</summary>
public sealed class KubernetesDiscoveryConfig : DiscoveryConfig
{
    public const string Key = "kubernetes_sd_configs";

    /// <summary>
    /// The entry as read. <see cref="Create"/> gives each discovery its own copy, so the
    /// configuration is never changed by a running discovery.
    /// </summary>
    public required KubernetesDiscoveryOptions Options { get; init; }

    public override string Mechanism => Key;

    public override ITargetDiscoverer Create(DiscoveryContext context) => new KubernetesTargetDiscoverer(Copy(Options), context);

    private static KubernetesDiscoveryOptions Copy(KubernetesDiscoveryOptions options)
    {
        var copy = new KubernetesDiscoveryOptions
        {
            Role = options.Role,
            ApiServer = options.ApiServer,
            KubeConfigFile = options.KubeConfigFile,
            KubeConfigContext = options.KubeConfigContext,
            OwnNamespace = options.OwnNamespace,
            OwnNamespaceFile = options.OwnNamespaceFile,
            Http = options.Http,
            LabelSelector = options.LabelSelector,
            FieldSelector = options.FieldSelector,
            MinRetryDelay = options.MinRetryDelay,
            MaxRetryDelay = options.MaxRetryDelay,
            WatchTimeoutSeconds = options.WatchTimeoutSeconds,
            WatchStallGrace = options.WatchStallGrace,
            ListPageSize = options.ListPageSize,
        };
        foreach (var name in options.Namespaces)
        {
            copy.Namespaces.Add(name);
        }

        return copy;
    }
}
