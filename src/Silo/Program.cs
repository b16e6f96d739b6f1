using Orleans.Dashboard;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.Telemetry;
using Pipeline.Silo;
using Pipeline.Silo.Demo;
using Pipeline.Silo.Http;

var command = SiloCommandLine.Parse(args);
if (command.Help)
{
    Console.Out.Write(SiloCommandLine.Usage);
    return SiloExitCodes.Stopped;
}

if (command.Error is not null)
{
    Console.Error.WriteLine($"error: {command.Error}");
    Console.Error.Write(SiloCommandLine.Usage);
    return SiloExitCodes.BadConfiguration;
}

PipelineConfig config;
try
{
    config = command.ConfigPath is null ? PipelineConfigLoader.Default() : PipelineConfigLoader.LoadFile(command.ConfigPath);
}
catch (PipelineConfigException e)
{
    Console.Error.WriteLine(e.Message);
    return SiloExitCodes.BadConfiguration;
}

DemoWorkload? demo = null;
if (command.Demo)
{
    demo = new DemoWorkload(Path.Combine(Path.GetTempPath(), $"pipeline-demo-{Environment.ProcessId}"), TimeProvider.System);
    config = new PipelineConfig
    {
        DataDir = config.DataDir,
        NodeName = config.NodeName,
        ShutdownTimeout = config.ShutdownTimeout,
        Logs = new LogsConfig
        {
            Inputs = [new TailInputConfig { Paths = [.. demo.Globs], ReadFromHead = true, RefreshInterval = TimeSpan.FromSeconds(1) }],
            Outputs = config.Logs.Outputs.Count > 0 ? config.Logs.Outputs : [new LogOutputConfig { Type = LogOutputType.Embedded }],
        },
    };
}

// --silo-port and --gateway-port win over the file's cluster.silo_port and cluster.gateway_port.
var siloPort = command.SiloPortGiven ? command.SiloPort : config.Cluster.SiloPort ?? command.SiloPort;
var gatewayPort = command.GatewayPortGiven ? command.GatewayPort : config.Cluster.GatewayPort ?? command.GatewayPort;
var builder = WebApplication.CreateBuilder(command.HostArgs);
if (ListenPortCheck.FirstProblem(siloPort, gatewayPort, ListenPortCheck.HttpUrls(builder.Configuration)) is { } portProblem)
{
    Console.Error.WriteLine($"error: {portProblem}");
    return SiloExitCodes.AddressUnavailable;
}

if (config.Cluster.Membership != ClusterMembership.Localhost)
{
    // HTTP serves while the silo waits for its membership store, so /readyz can say 503 and why.
    builder.Services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
}

builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
try
{
    builder.UseOrleans(silo =>
    {
        SiloClustering.Configure(silo, config.Cluster, siloPort, gatewayPort);
        silo.AddPipeline(config);
        // The dashboard samples every counter of the silo (the grain directory's size among them, a walk of
        // the whole cache) on each update: every 5 s instead of its default 1 s costs an idle silo a fifth.
        silo.AddDashboard(options => options.CounterUpdateIntervalMs = 5000);
    });
}
catch (PipelineConfigException e)
{
    Console.Error.WriteLine(e.Message);
    return SiloExitCodes.BadConfiguration;
}

builder.Services.AddSingleton(new PrometheusMetricsExporter(PipelineMetrics.MeterName));
if (config.Storage.Enabled)
{
    builder.Services.AddSingleton<PipelineMetricsSelfScrape>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<PipelineMetricsSelfScrape>());
}

if (demo is not null)
{
    builder.Services.AddHostedService(_ => demo);
}

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok\n"));
app.MapReadiness();
app.MapGet("/metrics", (PrometheusMetricsExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
app.MapLogSearch();
app.MapDeadLetters();
app.MapTargets();
app.MapPrometheusQueries();
app.MapContainerStats();
app.MapOrleansDashboard(routePrefix: "/dashboard");

if (demo is not null)
{
    app.Lifetime.ApplicationStarted.Register(() =>
        Console.WriteLine($"demo: writing container logs under {demo.Directory}; try {string.Join(' ', app.Urls.Select(u => u + "/api/logs/search?q=kubernetes.namespace_name:shop"))}"));
}

try
{
    await app.RunAsync();
}
catch (Exception e) when (ListenPortCheck.IsListenFailure(e))
{
    // Taken between the check above and the listener's bind: still one line at the end, and no crash.
    Console.Error.WriteLine($"error: an address the silo listens on is taken or refused ({e.GetBaseException().Message}): " +
        $"silo port {siloPort} (--silo-port), gateway port {gatewayPort} (--gateway-port), HTTP {command.Urls ?? ListenPortCheck.DefaultUrls} (--urls)");
    return SiloExitCodes.AddressUnavailable;
}
catch (Exception e) when (!app.Lifetime.ApplicationStarted.IsCancellationRequested)
{
    Console.Error.WriteLine($"error: the silo could not start: {e.GetBaseException().Message}");
    return SiloExitCodes.StartFailed;
}

if (config.Logs.Inputs.Count > 0 && config.Logs.Inputs.All(i => i.ExitOnEof))
{
    // One line the benchmark command reads: the whole process's CPU time and peak memory.
    Console.WriteLine(ProcessUsage.Summary());
}

return SiloExitCodes.Stopped;
