using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Discovery;

/// <summary>Reads the service-discovery keys of a <c>scrape_configs</c> entry.</summary>
internal static class DiscoveryConfigReader
{
    /// <summary>
    /// <c>static_configs</c>, <c>file_sd_configs</c>, <c>http_sd_configs</c> and <c>kubernetes_sd_configs</c>
    /// of <paramref name="job"/>, in that order; errors are reported on the node.
    /// </summary>
    public static List<DiscoveryConfig> Read(ConfigNode job) => throw new NotImplementedException();
}
