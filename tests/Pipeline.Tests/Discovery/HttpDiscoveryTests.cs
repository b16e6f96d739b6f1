using Pipeline.Grains.Discovery;
using Pipeline.Grains.Http;
using Pipeline.Tests.RemoteWrite;
using Xunit;
using static Pipeline.Tests.Discovery.DiscovererWatch;

namespace Pipeline.Tests.Discovery;

/// <summary><c>http_sd_configs</c> against a small in-process server; refreshes are driven by a manual clock.</summary>
public sealed class HttpDiscoveryTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly ManualTimers _clock = new();

    [Fact]
    public async Task The_servers_groups_arrive_with_meta_url_and_the_request_carries_the_prometheus_headers()
    {
        await using var server = await HttpSdServer.StartAsync();
        server.Answer("""[{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"], "labels": {"rack": "a1"}}, {"targets": ["10.0.0.3:9100"]}]""");
        var config = new HttpDiscoveryConfig { Url = server.Url, RefreshInterval = Refresh, Http = new HttpClientConfig { AuthorizationCredentials = "sd-token" } };
        await using var watch = Start(config, _clock);

        var set = await watch.Until(s => s.Count == 2, "the server's two groups");

        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100"], Addresses(set));
        Assert.Equal(($"{server.Url}:0", server.Url.ToString(), "a1"), (set[0].Source, set[0].Labels["__meta_url"], set[0].Labels["rack"]));
        Assert.Equal($"{server.Url}:1", set[1].Source);
        Assert.Null(watch.Discoverer.Error);
        var headers = server.Requests[0];
        Assert.Equal("application/json", headers["accept"]);
        Assert.Equal(DiscoveryConstants.HttpUserAgent, headers["user-agent"]);
        Assert.Equal("30", headers["x-prometheus-refresh-interval-seconds"]);
        Assert.Equal("Bearer sd-token", headers["authorization"]);
    }

    [Fact]
    public async Task A_refresh_brings_the_new_set()
    {
        await using var server = await HttpSdServer.StartAsync();
        server.Answer("""[{"targets": ["10.0.0.1:9100"]}]""");
        await using var watch = Start(new HttpDiscoveryConfig { Url = server.Url, RefreshInterval = Refresh }, _clock);
        await watch.Until(s => Addresses(s).Length == 1, "the first set");

        server.Answer("""[{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"]}]""");
        var second = await watch.Until(s => Addresses(s).Length == 2, "the refreshed set", poke: () => _clock.Advance(Refresh));

        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100"], Addresses(second));
        Assert.True(server.Requests.Count >= 2);
    }

    [Theory]
    [InlineData(503, "application/json", "[]", "server returned HTTP 503")]
    [InlineData(200, "text/plain", "[]", "unsupported content type 'text/plain")]
    [InlineData(200, "application/json", "[{\"targets\": [", "not valid JSON")]
    [InlineData(200, "application/json", "{\"targets\": []}", "expected a JSON list of target groups")]
    [InlineData(200, "application/json", "[{\"targets\": [42]}]", "targets must be a list of \"host:port\" strings")]
    public async Task A_failed_refresh_keeps_the_last_good_set_and_says_why(int status, string contentType, string body, string expected)
    {
        await using var server = await HttpSdServer.StartAsync();
        server.Answer("""[{"targets": ["10.0.0.1:9100"], "labels": {"good": "yes"}}]""");
        await using var watch = Start(new HttpDiscoveryConfig { Url = server.Url, RefreshInterval = Refresh }, _clock);
        var good = await watch.Until(s => Addresses(s).Length == 1, "the good set");
        var setsBefore = watch.Sets;

        server.Answer(body, status, contentType);
        var error = await watch.UntilError(e => e is not null, "the refresh to fail", poke: () => _clock.Advance(Refresh));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith(server.Url.ToString(), error, StringComparison.Ordinal);
        Assert.Same(good, watch.Latest);
        Assert.Equal(setsBefore, watch.Sets);

        server.Answer("""[{"targets": ["10.0.0.2:9100"]}]""");
        var recovered = await watch.Until(s => Addresses(s).SequenceEqual(["10.0.0.2:9100"]), "the recovered set", poke: () => _clock.Advance(Refresh));
        Assert.Single(recovered);
        Assert.Null(watch.Discoverer.Error);
    }

    [Fact]
    public async Task A_server_that_never_answered_well_yields_an_empty_set_and_the_error()
    {
        await using var server = await HttpSdServer.StartAsync();
        server.Answer("no", 404, "text/plain");
        await using var watch = Start(new HttpDiscoveryConfig { Url = server.Url, RefreshInterval = Refresh }, _clock);

        var set = await watch.Until(_ => true, "the first set");

        Assert.Empty(set);
        Assert.Contains("server returned HTTP 404", watch.Discoverer.Error, StringComparison.Ordinal);
    }
}
