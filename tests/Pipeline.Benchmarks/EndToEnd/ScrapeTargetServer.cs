using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// The scrape targets: one Kestrel listener per target on 127.0.0.1 (distinct ports, so each
/// target gets its own <c>instance</c> label the ordinary way), each answering <c>/metrics</c> with
/// its next pre-generated body in turn. While closed, every target answers 503, so a scraper can
/// start and settle with all its scrape loops running but no series (the idle measurement).
/// </summary>
internal sealed class ScrapeTargetServer : IAsyncDisposable
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly WebApplication _app;
    private readonly ScrapeTargetBodies _bodies;
    private readonly int[] _targetByPort = new int[65536];
    private readonly long[] _served;
    private volatile bool _open;

    private ScrapeTargetServer(WebApplication app, ScrapeTargetBodies bodies)
    {
        _app = app;
        _bodies = bodies;
        _served = new long[bodies.Targets];
        Ports = [];
    }

    /// <summary>The targets' ports, target 0 first.</summary>
    public IReadOnlyList<int> Ports { get; private set; }

    /// <summary>Bodies served since the start (closed answers not counted).</summary>
    public long Served
    {
        get
        {
            long sum = 0;
            foreach (ref readonly var count in _served.AsSpan())
            {
                sum += Volatile.Read(in count);
            }

            return sum;
        }
    }

    /// <summary>Bodies served to each target so far.</summary>
    public long[] ServedPerTarget() => [.. _served.Select(c => Volatile.Read(in c))];

    public static async Task<ScrapeTargetServer> StartAsync(ScrapeTargetBodies bodies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            for (var t = 0; t < bodies.Targets; t++)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        var server = new ScrapeTargetServer(app, bodies);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToList();
        for (var t = 0; t < ports.Count; t++)
        {
            server._targetByPort[ports[t]] = t;
        }

        server.Ports = ports;
        return server;
    }

    /// <summary>Whether targets answer with their bodies (otherwise 503).</summary>
    public bool Open
    {
        get => _open;
        set => _open = value;
    }

    private Task AnswerAsync(HttpContext context)
    {
        if (!_open)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        var target = _targetByPort[context.Connection.LocalPort];
        var served = Interlocked.Increment(ref _served[target]);
        var body = _bodies.Bodies[target][(int)(served % _bodies.Versions)];
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
