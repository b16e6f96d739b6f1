using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Orleans.Configuration;
using Pipeline.Grains.Configuration;
using StackExchange.Redis;

namespace Pipeline.Silo;

/// <summary>
/// Puts the silo in its cluster as <c>cluster</c> in the pipeline file says: alone on this machine
/// (<c>localhost</c>, the default), or with every silo of the same <c>service_id</c> and
/// <c>cluster_id</c> in a shared membership table (<c>redis</c>), reachable at its advertised address.
/// </summary>
internal static class SiloClustering
{
    public static void Configure(ISiloBuilder silo, ClusterConfig cluster, int siloPort, int gatewayPort)
    {
        if (cluster.Membership == ClusterMembership.Localhost)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            return;
        }

        var redis = ConfigurationOptions.Parse(cluster.ConnectionString!);

        // Keep retrying while Redis is down at start-up, instead of failing the first connect.
        redis.AbortOnConnectFail = false;
        silo.UseRedisClustering(options => options.ConfigurationOptions = redis);
        silo.ConfigureServices(services => WaitForTheStore(services, $"redis {string.Join(',', redis.EndPoints)}"));
        silo.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = cluster.ServiceId;
            options.ClusterId = cluster.ClusterId;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster), siloPort, gatewayPort, listenOnAnyHostAddress: true);
    }

    /// <summary>Wraps the membership table the provider registered in a <see cref="PatientMembershipTable"/>.</summary>
    private static void WaitForTheStore(IServiceCollection services, string store)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable))
            ?? throw new InvalidOperationException("The membership provider registered no IMembershipTable.");
        services.Remove(registered);
        services.AddSingleton<IMembershipTable>(sp => new PatientMembershipTable(
            (IMembershipTable)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
            store,
            sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary><c>advertised_address</c>, else <c>$POD_IP</c> (the downward API), else the first non-loopback IPv4 address of an interface that is up.</summary>
    public static IPAddress AdvertisedAddress(ClusterConfig cluster)
    {
        if (cluster.AdvertisedAddress is { } configured)
        {
            return configured;
        }

        if (IPAddress.TryParse(Environment.GetEnvironmentVariable("POD_IP"), out var podIp))
        {
            return podIp;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}
