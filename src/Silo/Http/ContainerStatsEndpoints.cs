using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Search;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>
/// <c>GET /api/containers/stats[?node=&lt;name&gt;]</c>: the docker stats table (CPU %, memory usage / limit, memory %,
/// net and block I/O) of every container of the cluster, or of one node, from each node's last two cgroup
/// collections (<c>containers.enabled</c>). Containers span tenants, so with tokens configured only an admin
/// token may read them.
/// </summary>
public static class ContainerStatsEndpoints
{
    public static IEndpointRouteBuilder MapContainerStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/containers/stats", StatsAsync);
        return app;
    }

    private static async Task StatsAsync(HttpContext http, IGrainFactory grains, IClusterMembershipService membership, TenantDirectory tenants)
    {
        if (!await BearerAuth.AuthorizeAdminAsync(http, tenants, "containers"))
        {
            return;
        }

        var node = http.Request.Query["node"].ToString();
        var answers = await Task.WhenAll(ActiveSilos.Keys(membership).Select(s => grains.GetGrain<IContainerStatsGrain>(s).GetStats()));
        var nodes = answers.Where(a => node.Length == 0 || a.Node == node).OrderBy(a => a.Node, StringComparer.Ordinal).ToList();
        await http.Response.WriteAsJsonAsync(new
        {
            status = "success",
            data = new
            {
                nodes = nodes.Select(n => new
                {
                    node = n.Node,
                    silo = n.Silo,
                    collecting = n.Collecting,
                    reason = n.Reason,
                    cgroup = n.CgroupVersion,
                    time = n.TimeUnixMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(n.TimeUnixMs).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                }),
                containers = nodes.SelectMany(n => n.Rows).Select(Row),
            },
        });
    }

    private static object Row(ContainerStatsEntry row) => new
    {
        node = row.Node,
        id = row.ContainerId,
        shortId = row.ContainerId.Length > 12 ? row.ContainerId[..12] : row.ContainerId,
        @namespace = row.Namespace,
        pod = row.Pod,
        container = row.Container,
        image = row.Image,
        cpuPercent = row.CpuPercent is { } cpu ? Math.Round(cpu, 2) : (double?)null,
        memoryUsageBytes = row.MemoryUsageBytes,
        memoryLimitBytes = row.MemoryLimitBytes,
        memoryPercent = row.MemoryPercent is { } memory ? Math.Round(memory, 2) : (double?)null,
        networkReceiveBytes = row.NetworkReceiveBytes,
        networkTransmitBytes = row.NetworkTransmitBytes,
        blockReadBytes = row.BlockReadBytes,
        blockWriteBytes = row.BlockWriteBytes,
    };
}
