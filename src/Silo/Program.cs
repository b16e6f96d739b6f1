using Orleans.Dashboard;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Grains.Telemetry;
using Pipeline.Silo;
using Pipeline.Silo.Demo;
using Pipeline.Silo.Http;

var command = SiloCommandLine.Parse(args);
if (command.Error is not null)
{
    Console.Error.WriteLine(command.Error);
    Console.Error.WriteLine(SiloCommandLine.Usage);
    return 2;
}

PipelineConfig config;
try
{
    config = command.ConfigPath is null ? PipelineConfigLoader.Default() : PipelineConfigLoader.LoadFile(command.ConfigPath);
}
catch (PipelineConfigException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

DemoWorkload? demo = null;
if (command.Demo)
{
    demo = new DemoWorkload(Path.Combine(Path.GetTempPath(), $"pipeline-demo-{Environment.ProcessId}"), TimeProvider.System);
    config = new PipelineConfig
    {
        DataDir = config.DataDir,
        NodeName = config.NodeName,
        Logs = new LogsConfig
        {
            Inputs = [new TailInputConfig { Paths = [.. demo.Globs], ReadFromHead = true, RefreshInterval = TimeSpan.FromSeconds(1) }],
            Outputs = config.Logs.Outputs.Count > 0 ? config.Logs.Outputs : [new LogOutputConfig { Type = LogOutputType.Embedded }],
        },
    };
}

var builder = WebApplication.CreateBuilder(command.HostArgs);
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(command.SiloPort, command.GatewayPort);
    silo.AddPipeline(config);
    // The dashboard samples every counter of the silo (the grain directory's size among them, a walk of
    // the whole cache) on each update: every 5 s instead of its default 1 s costs an idle silo a fifth.
    silo.AddDashboard(options => options.CounterUpdateIntervalMs = 5000);
});

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

await app.RunAsync();

if (config.Logs.Inputs.Count > 0 && config.Logs.Inputs.All(i => i.ExitOnEof))
{
    // One line the benchmark command reads: the whole process's CPU time and peak memory.
    Console.WriteLine(ProcessUsage.Summary());
}

return 0;
