using System.Net;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// <c>cluster</c>: how this silo joins the others. Silos with the same <see cref="ServiceId"/> and
/// <see cref="ClusterId"/> in the same membership store form one Orleans cluster; a different
/// <c>cluster_id</c> never joins it.
/// </summary>
public sealed class ClusterConfig
{
    public const string DefaultServiceId = "pipeline";
    public const string DefaultClusterId = "default";

    public ClusterMembership Membership { get; init; } = ClusterMembership.Localhost;

    /// <summary>The membership store's connection string (<c>connection_string</c>, or the variable <c>connection_string_env</c> names).</summary>
    public string? ConnectionString { get; init; }

    public string ServiceId { get; init; } = DefaultServiceId;

    public string ClusterId { get; init; } = DefaultClusterId;

    /// <summary>The address the other silos reach this one at; null: $POD_IP, else the first non-loopback address.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary><c>silo_port</c>; <c>--silo-port</c> wins over it.</summary>
    public int? SiloPort { get; init; }

    /// <summary><c>gateway_port</c>; <c>--gateway-port</c> wins over it.</summary>
    public int? GatewayPort { get; init; }
}
