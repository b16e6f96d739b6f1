using Pipeline.Contracts.Logs;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Silo.Http;

/// <summary>
/// <c>GET /readyz</c>: 200 once this silo is active in its cluster and its node's collector did its
/// first scan with a checkpoint on disk for every file it follows (from then on nothing that matches
/// the globs can be missed, even across a SIGKILL), and while no output of this silo is blocked (a
/// missing privilege or a refused index template: nothing is delivered until someone fixes it); 503
/// with the reason otherwise. Liveness stays at
/// <c>/healthz</c>, which never depends on the cluster or the files.
/// </summary>
public static class ReadinessEndpoints
{
    /// <summary>How long the readiness probe waits for the collector's answer before saying not ready.</summary>
    public static readonly TimeSpan CollectorAnswerTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet("/readyz", ReadyAsync);
        return app;
    }

    private static async Task<IResult> ReadyAsync(IServiceProvider services, PipelineConfig config)
    {
        var oracle = services.GetService<ISiloStatusOracle>();
        if (oracle is null || oracle.CurrentStatus != SiloStatus.Active)
        {
            return NotReady($"the silo is not active in its cluster yet (status {oracle?.CurrentStatus.ToString() ?? "unknown"})");
        }

        if (config.Logs.Inputs.Count > 0)
        {
            CollectorStatus status;
            try
            {
                status = await services.GetRequiredService<IGrainFactory>().GetGrain<INodeCollectorGrain>(config.NodeName).GetStatus().WaitAsync(CollectorAnswerTimeout);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return NotReady($"the collector of node {config.NodeName} did not answer: {e.Message}");
            }

            if (!status.Ready)
            {
                return NotReady($"the collector of node {config.NodeName} is not following its files yet: {status.NotReadyReason ?? "starting"}");
            }
        }

        if (services.GetRequiredService<PipelineMetrics>().OutputHealth.Blocks is [var block, ..])
        {
            return NotReady($"output '{block.Output}' cannot deliver ({block.Reason}) since {block.Since:O}: {block.Message}");
        }

        return Results.Json(new { status = "ready" });
    }

    private static IResult NotReady(string reason) =>
        Results.Json(new { status = "not ready", reason }, statusCode: StatusCodes.Status503ServiceUnavailable);
}
