using System.Net;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// Reads <c>cluster</c>:
/// <code>
/// cluster:
///   membership: redis                 # localhost (default) | redis
///   connection_string_env: PIPELINE_CLUSTER_CONNECTION   # or connection_string: "127.0.0.1:6379"
///   service_id: pipeline
///   cluster_id: prod
///   advertised_address: 10.0.0.7      # default: $POD_IP, else the first non-loopback address
///   silo_port: 11111
///   gateway_port: 30000
/// </code>
/// </summary>
internal static class ClusterConfigReader
{
    public static ClusterConfig Read(ConfigNode? cluster, Func<string, string?> environment)
    {
        if (cluster is null)
        {
            return new ClusterConfig();
        }

        var membershipName = cluster.String("membership", "localhost")!.Trim().ToLowerInvariant();
        var membership = membershipName switch
        {
            "localhost" => ClusterMembership.Localhost,
            "redis" => ClusterMembership.Redis,
            _ => (ClusterMembership?)null,
        };
        if (membership is null)
        {
            cluster.ValueError("membership", membershipName is "postgres" or "kubernetes"
                ? $"'{membershipName}' membership is not built yet; use redis, or localhost for one silo"
                : $"'{membershipName}' is not a membership (expected localhost or redis)");
        }

        var literal = cluster.String("connection_string");
        var variable = cluster.String("connection_string_env");
        string? connection = literal;
        if (literal is not null && variable is not null)
        {
            cluster.ValueError("connection_string_env", "give either connection_string or connection_string_env, not both");
        }
        else if (variable is not null)
        {
            connection = environment(variable);
            if (string.IsNullOrEmpty(connection))
            {
                cluster.ValueError("connection_string_env", $"environment variable '{variable}' is not set or empty");
            }
        }
        else if (membership is ClusterMembership.Redis && literal is null)
        {
            cluster.Error("cluster.membership redis needs connection_string (e.g. \"redis:6379\") or connection_string_env");
        }

        IPAddress? advertised = null;
        if (cluster.String("advertised_address") is { } address)
        {
            if (!IPAddress.TryParse(address, out advertised))
            {
                cluster.ValueError("advertised_address", $"'{address}' is not an IP address");
            }
        }

        var config = new ClusterConfig
        {
            Membership = membership ?? ClusterMembership.Localhost,
            ConnectionString = connection,
            ServiceId = cluster.String("service_id", ClusterConfig.DefaultServiceId)!,
            ClusterId = cluster.String("cluster_id", ClusterConfig.DefaultClusterId)!,
            AdvertisedAddress = advertised,
            SiloPort = cluster.String("silo_port") is null ? null : cluster.Int("silo_port", 0, 1, 65535),
            GatewayPort = cluster.String("gateway_port") is null ? null : cluster.Int("gateway_port", 0, 1, 65535),
        };
        cluster.RejectUnknownKeys();
        return config;
    }
}
