using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Support;

/// <summary>
/// Many scrape targets on one real HTTP server: target <c>i</c> answers at <c>/t/i</c> with the body its
/// <see cref="Answer"/> gives for its n-th request (n from 1). Records when each request arrived, so a
/// test can tell how often and when every target was scraped.
/// </summary>
public sealed class ScrapeTargetFarm : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, List<DateTimeOffset>> _arrivals = new();

    private WebApplication? _app;

    private ScrapeTargetFarm(Func<int, int, TargetAnswer> answer) => Answer = answer;

    /// <summary>What target i answers to its n-th request.</summary>
    public Func<int, int, TargetAnswer> Answer { get; set; }

    /// <summary><c>127.0.0.1:port</c>, the <c>__address__</c> of every target.</summary>
    public string Address { get; private set; } = "";

    public static async Task<ScrapeTargetFarm> StartAsync(Func<int, int, TargetAnswer> answer)
    {
        var farm = new ScrapeTargetFarm(answer);
        var (app, address) = await LoopbackHttpServer.StartAsync(farm.HandleAsync);
        farm._app = app;
        farm.Address = address.Authority;
        return farm;
    }

    /// <summary>The path of target i.</summary>
    public static string PathOf(int target) => $"/t/{target}";

    /// <summary>When target i's requests arrived, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Arrivals(int target)
    {
        if (!_arrivals.TryGetValue(target, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public int Requests(int target) => Arrivals(target).Count;

    public async ValueTask DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = DateTimeOffset.UtcNow;
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/t/", StringComparison.Ordinal) || !int.TryParse(path.AsSpan(3), out var target))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var list = _arrivals.GetOrAdd(target, _ => []);
        int n;
        lock (list)
        {
            list.Add(now);
            n = list.Count;
        }

        var answer = Answer(target, n);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }
}

/// <summary>One answer of a scrape target.</summary>
public sealed record TargetAnswer(string Body, int Status = 200, string ContentType = "text/plain; version=0.0.4; charset=utf-8");
