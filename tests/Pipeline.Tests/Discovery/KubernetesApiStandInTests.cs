using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Discovery.KubernetesObjects;

namespace Pipeline.Tests.Discovery;

/// <summary>The stand-in speaks the API server's list and watch protocol on the wire.</summary>
public sealed class KubernetesApiStandInTests : IAsyncLifetime
{
    private KubernetesApiStandIn _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiStandIn.StartAsync();
        _http = new HttpClient { BaseAddress = _api.Uri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task A_list_carries_its_resource_version_and_honours_namespace_and_selectors()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", node: "node-1", ports: 8080));
        _api.Put(Pod("shop", "web-2", "10.1.0.2", node: "node-2", ports: 8080));
        _api.Put(Pod("blog", "web-3", "10.1.0.3", node: "node-1", ports: 8080));

        using var all = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1"));
        Assert.Equal("PodList", all.RootElement.GetProperty("kind").GetString());
        Assert.Equal("1003", all.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal(["web-3", "web-1"], all.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));

        using var shop = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/namespaces/shop/pods?labelSelector=app%21%3Dweb-1"));
        Assert.Equal(["web-2"], shop.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_watch_replays_history_after_its_resource_version_then_streams_and_a_compacted_one_gets_410()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        _api.Delete(KubernetesApiStandInResource.Pods, "shop", "web-1");

        using (var response = await _http.GetAsync("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=1001&allowWatchBookmarks=true", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Null(response.Content.Headers.ContentLength);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal(("ADDED", "web-2", "1002"), Event(await reader.ReadLineAsync()));
            Assert.Equal(("DELETED", "web-1", "1003"), Event(await reader.ReadLineAsync()));
            _api.Put(Pod("shop", "web-4", "10.1.0.4", ports: 8080));
            Assert.Equal(("ADDED", "web-4", "1004"), Event(await reader.ReadLineAsync()));
            _api.SendBookmarks();
            Assert.Equal(("BOOKMARK", null, "1004"), Event(await reader.ReadLineAsync()));
            _api.CloseWatches();
            Assert.Null(await reader.ReadLineAsync());
        }

        _api.CompactHistory();
        using var gone = await _http.GetAsync("/api/v1/namespaces/shop/pods?watch=true&resourceVersion=1003", HttpCompletionOption.ResponseHeadersRead);
        using var lines = new StreamReader(await gone.Content.ReadAsStreamAsync());
        using var error = JsonDocument.Parse((await lines.ReadLineAsync())!);
        Assert.Equal("ERROR", error.RootElement.GetProperty("type").GetString());
        var status = error.RootElement.GetProperty("object");
        Assert.Equal(("Status", 410, "Expired"), (status.GetProperty("kind").GetString(), status.GetProperty("code").GetInt32(), status.GetProperty("reason").GetString()));
        Assert.Null(await lines.ReadLineAsync());
        Assert.Equal(2, _api.Watches("pods").Count);
    }

    private static (string? Type, string? Name, string? Version) Event(string? line)
    {
        using var json = JsonDocument.Parse(line!);
        var metadata = json.RootElement.GetProperty("object").GetProperty("metadata");
        return (json.RootElement.GetProperty("type").GetString(),
            metadata.TryGetProperty("name", out var name) ? name.GetString() : null,
            metadata.GetProperty("resourceVersion").GetString());
    }
}
