using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Support;

/// <summary>A real HTTP server (Kestrel) on a free loopback port, answering every request with one handler.</summary>
public static class LoopbackHttpServer
{
    /// <summary>Starts the server; the app's first URL is its base address. Stop and dispose the app when done.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
    }
}
