using System.Globalization;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Discovery.KubernetesObjects;

namespace Pipeline.Tests.Discovery;

public sealed class KubernetesListWatchTests : IAsyncLifetime
{
    private KubernetesApiStandIn _api = null!;

    public async Task InitializeAsync() => _api = await KubernetesApiStandIn.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Pods_appear_change_and_disappear_from_one_list_and_one_watch()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        var first = await run.Until(s => s.Groups.Count == 1, "the listed pod");
        Assert.Equal(["10.1.0.1:8080"], DiscoveryRun.Addresses(first));

        _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 9090));
        await run.Until(s => DiscoveryRun.Addresses(s).SequenceEqual(["10.1.0.1:8080", "10.1.0.2:9090"]), "the added pod");

        _api.Put(Pod("shop", "web-1", "10.1.0.1", labels: new() { ["app"] = "web", ["version"] = "v2" }, ports: 8080));
        var changed = await run.Until(s => DiscoveryRun.ByAddress(s)["10.1.0.1:8080"].GetValueOrDefault("__meta_kubernetes_pod_label_version") == "v2", "the changed label");
        Assert.Equal("web", DiscoveryRun.ByAddress(changed!)["10.1.0.1:8080"]["__meta_kubernetes_pod_label_app"]);

        _api.Delete(KubernetesApiStandInResource.Pods, "shop", "web-2");
        var last = await run.Until(s => s.Groups.Count == 1, "the deleted pod gone");
        Assert.Equal(["10.1.0.1:8080"], DiscoveryRun.Addresses(last));
        Assert.True(last!.Version > first!.Version);

        var list = Assert.Single(_api.Lists("pods"));
        Assert.Null(list.Namespace);
        var watch = Assert.Single(_api.Watches("pods"));
        Assert.Equal("1001", watch.ResourceVersion);
        Assert.True(watch.AllowWatchBookmarks);
        Assert.DoesNotContain(_api.Requests, r => r.Name is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_dropped_or_ended_watch_resumes_from_the_last_resource_version_without_a_relist(bool drop)
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        await run.Until(s => s.Groups.Count == 1, "the listed pod");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open");
        var seen = _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        await run.Until(s => s.Groups.Count == 2, "the watched pod");

        _api.CloseWatches(drop);
        await Eventually.Until(() => Task.FromResult(_api.Watches("pods")), w => w.Count == 2, "a second watch");
        _api.Put(Pod("shop", "web-3", "10.1.0.3", ports: 8080));
        var last = await run.Until(s => s.Groups.Count == 3, "the pod added after the resume");

        Assert.Equal(["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"], DiscoveryRun.Addresses(last));
        Assert.Equal(seen.ToString(CultureInfo.InvariantCulture), _api.Watches("pods")[1].ResourceVersion);
        Assert.Single(_api.Lists("pods"));
    }

    [Fact]
    public async Task Many_changes_across_repeatedly_dropped_watches_end_in_the_api_servers_state_without_a_relist()
    {
        await using var run = DiscoveryRun.Start(_api);
        await run.Until(s => s.Groups.Count == 0, "the empty list");
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= 120; i++)
        {
            _api.Put(Pod("shop", $"web-{i}", $"10.1.{i / 100}.{i % 100}", ports: 8080));
            expected.Add($"10.1.{i / 100}.{i % 100}:8080");
            if (i % 3 == 0)
            {
                _api.Delete(KubernetesApiStandInResource.Pods, "shop", $"web-{i - 1}");
                expected.Remove($"10.1.{(i - 1) / 100}.{(i - 1) % 100}:8080");
            }

            if (i % 25 == 0)
            {
                _api.CloseWatches(drop: i % 50 == 0);
            }
        }

        var last = await run.Until(s => DiscoveryRun.Addresses(s).SequenceEqual(expected), "the API server's final state");
        Assert.Equal(80, last!.Groups.Count);
        Assert.Single(_api.Lists("pods"));
        Assert.Equal(0, run.Discovery.Counters.Expired);
    }

    [Fact]
    public async Task Changes_missed_while_the_watch_was_down_are_replayed_from_history()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        await run.Until(s => s.Groups.Count == 2, "the listed pods");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open");

        await _api.StopListeningAsync();
        _api.Delete(KubernetesApiStandInResource.Pods, "shop", "web-1");
        _api.Put(Pod("shop", "web-3", "10.1.0.3", ports: 8080));
        await _api.StartListeningAsync();

        var last = await run.Until(s => DiscoveryRun.Addresses(s).SequenceEqual(["10.1.0.2:8080", "10.1.0.3:8080"]), "the missed delete and add");
        Assert.Equal(2, last!.Groups.Count);
        Assert.Single(_api.Lists("pods"));
        Assert.All(_api.Watches("pods"), w => Assert.Equal("1002", w.ResourceVersion));
    }

    [Fact]
    public async Task A_resource_version_gone_after_compaction_forces_a_relist()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        await run.Until(s => s.Groups.Count == 2, "the listed pods");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open");

        await _api.StopListeningAsync();
        _api.Delete(KubernetesApiStandInResource.Pods, "shop", "web-1");
        _api.Put(Pod("shop", "web-3", "10.1.0.3", ports: 8080));
        _api.CompactHistory();
        await _api.StartListeningAsync();

        var last = await run.Until(s => DiscoveryRun.Addresses(s).SequenceEqual(["10.1.0.2:8080", "10.1.0.3:8080"]), "the state after the relist");
        Assert.Equal(2, last!.Groups.Count);
        var lists = _api.Lists("pods");
        Assert.Equal(2, lists.Count);
        var watches = _api.Watches("pods");
        Assert.Contains(watches, w => w.ResourceVersion == "1002");
        Assert.Equal(_api.ResourceVersion.ToString(CultureInfo.InvariantCulture), watches[^1].ResourceVersion);
    }

    [Fact]
    public async Task A_410_error_event_on_an_open_watch_forces_a_relist()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        await run.Until(s => s.Groups.Count == 1, "the listed pod");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open");

        _api.CompactHistory();
        _api.ExpireWatches();
        await Eventually.Until(() => Task.FromResult(_api.Lists("pods")), l => l.Count == 2, "a second list");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open again");
        _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));

        var last = await run.Until(s => s.Groups.Count == 2, "the pod added after the relist");
        Assert.Equal(["10.1.0.1:8080", "10.1.0.2:8080"], DiscoveryRun.Addresses(last));
        Assert.Equal(2, _api.Watches("pods").Count);
        Assert.Equal((2L, 1L), (run.Discovery.Counters.Lists, run.Discovery.Counters.Expired));
    }

    [Fact]
    public async Task Bookmarks_move_the_resume_point_past_changes_the_watch_does_not_select()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await using var run = DiscoveryRun.Start(_api, o => o.Namespaces.Add("shop"));
        await run.Until(s => s.Groups.Count == 1, "the listed pod");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the watch open");

        _api.Put(Pod("other", "batch-1", "10.2.0.1", ports: 8080));
        var other = _api.Put(Pod("other", "batch-2", "10.2.0.2", ports: 8080));
        _api.SendBookmarks();
        _api.CloseWatches();

        var watches = await Eventually.Until(() => Task.FromResult(_api.Watches("pods")), w => w.Count == 2, "a second watch");
        Assert.Equal("1001", watches[0].ResourceVersion);
        Assert.Equal(other.ToString(CultureInfo.InvariantCulture), watches[1].ResourceVersion);
        Assert.Single(_api.Lists("pods"));
        Assert.Equal(["10.1.0.1:8080"], DiscoveryRun.Addresses(run.Discovery.Current));
        Assert.Equal(1, run.Discovery.Counters.Bookmarks);
    }

    [Fact]
    public async Task A_large_list_is_read_in_pages_and_a_stale_page_token_restarts_it()
    {
        for (var i = 1; i <= 5; i++)
        {
            _api.Put(Pod("shop", $"web-{i}", $"10.1.0.{i}", ports: 8080));
        }

        _api.OnceBeforeContinuedPage(() =>
        {
            _api.Delete(KubernetesApiStandInResource.Pods, "shop", "web-5");
            _api.CompactHistory();
        });
        await using var run = DiscoveryRun.Start(_api, o => o.ListPageSize = 2);
        var first = await run.Until(s => s.Groups.Count == 4, "every page of the second list");

        Assert.Equal(["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080", "10.1.0.4:8080"], DiscoveryRun.Addresses(first));
        Assert.Equal(1, first!.Version);
        var pages = _api.Requests.Where(r => r.IsListPage).ToList();
        Assert.Equal([null, "continue", null, "continue"], pages.Select(p => p.Continue is null ? null : "continue"));
        Assert.All(pages, p => Assert.Equal(2, p.Limit));
        Assert.Equal((1L, 1L), (run.Discovery.Counters.Lists, run.Discovery.Counters.Expired));
        var watch = await Eventually.Until(() => Task.FromResult(_api.Watches("pods")), w => w.Count == 1, "the watch");
        Assert.Equal("1006", watch[0].ResourceVersion);
    }

    [Fact]
    public async Task A_watch_left_hanging_past_its_timeout_is_abandoned_and_resumed()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        _api.StallNewWatches = true;
        await using var run = DiscoveryRun.Start(_api, o =>
        {
            o.WatchTimeoutSeconds = 1;
            o.WatchStallGrace = TimeSpan.FromMilliseconds(200);
        });
        await run.Until(s => s.Groups.Count == 1, "the listed pod");
        await Eventually.Until(() => Task.FromResult(_api.OpenWatches), n => n == 1, "the hanging watch");
        var added = _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
        _api.StallNewWatches = false;

        var last = await run.Until(s => s.Groups.Count == 2, "the pod, through the next watch");
        Assert.Equal(["10.1.0.1:8080", "10.1.0.2:8080"], DiscoveryRun.Addresses(last));
        Assert.Equal(1, run.Discovery.Counters.Stalls);
        Assert.Equal(["1001", "1001"], _api.Watches("pods").Take(2).Select(w => w.ResourceVersion));
        Assert.Single(_api.Lists("pods"));
        Assert.Equal(1002, added);
    }

    [Fact]
    public async Task The_per_node_pod_watch_asks_the_api_server_for_one_nodes_pods()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", node: "node-1", ports: 8080));
        _api.Put(Pod("shop", "web-2", "10.1.0.2", node: "node-2", ports: 8080));
        await using var run = DiscoveryRun.Start(_api, o => o.FieldSelector = "spec.nodeName=node-1");
        await run.Until(s => s.Groups.Count == 1, "node-1's pod");

        _api.Put(Pod("shop", "web-3", "10.1.0.3", node: "node-2", ports: 8080));
        _api.Put(Pod("shop", "web-4", "10.1.0.4", node: "node-1", ports: 8080));
        var last = await run.Until(s => s.Groups.Count == 2, "node-1's new pod");

        Assert.Equal(["10.1.0.1:8080", "10.1.0.4:8080"], DiscoveryRun.Addresses(last));
        Assert.All(DiscoveryRun.ByAddress(last!).Values, t => Assert.Equal("node-1", t["__meta_kubernetes_pod_node_name"]));
        Assert.All(_api.Requests, r => Assert.Equal("spec.nodeName=node-1", r.FieldSelector));
    }

    [Fact]
    public async Task Namespaces_are_watched_each_alone_and_others_never_appear()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        _api.Put(Pod("blog", "web-1", "10.1.0.2", ports: 8080));
        _api.Put(Pod("other", "web-1", "10.1.0.3", ports: 8080));
        await using var run = DiscoveryRun.Start(_api, o =>
        {
            o.Namespaces.Add("shop");
            o.Namespaces.Add("blog");
        });
        await run.Until(s => s.Groups.Count == 2, "the pods of shop and blog");

        _api.Put(Pod("other", "web-2", "10.1.0.4", ports: 8080));
        _api.Put(Pod("blog", "web-2", "10.1.0.5", ports: 8080));
        var last = await run.Until(s => s.Groups.Count == 3, "blog's new pod");

        Assert.Equal(["pod/blog/web-1", "pod/blog/web-2", "pod/shop/web-1"], last!.Groups.Select(g => g.Source));
        Assert.Equal(["blog", "shop"], _api.Lists("pods").Select(r => r.Namespace!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(_api.Requests, r => r.Namespace is null);
    }

    [Fact]
    public async Task A_label_selector_reaches_the_api_server_and_a_pod_leaving_it_disappears()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", labels: new() { ["app"] = "web" }, ports: 8080));
        _api.Put(Pod("shop", "db-1", "10.1.0.2", labels: new() { ["app"] = "db" }, ports: 5432));
        await using var run = DiscoveryRun.Start(_api, o => o.LabelSelector = "app in (web,api)");
        await run.Until(s => s.Groups.Count == 1, "the web pod");

        _api.Put(Pod("shop", "web-1", "10.1.0.1", labels: new() { ["app"] = "cache" }, ports: 8080));
        _api.Put(Pod("shop", "api-1", "10.1.0.3", labels: new() { ["app"] = "api" }, ports: 8080));
        var last = await run.Until(s => DiscoveryRun.Addresses(s).SequenceEqual(["10.1.0.3:8080"]), "only the api pod");

        Assert.Equal("api", DiscoveryRun.ByAddress(last!)["10.1.0.3:8080"]["__meta_kubernetes_pod_label_app"]);
        Assert.All(_api.Requests, r => Assert.Equal("app in (web,api)", r.LabelSelector));
    }

    [Fact]
    public async Task An_api_server_refusing_connections_is_retried_until_it_answers()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await _api.StopListeningAsync();
        await using var run = DiscoveryRun.Start(_api);

        await _api.StartListeningAsync();
        var first = await run.Until(s => s.Groups.Count == 1, "the pod once the API server answers");

        Assert.Equal(["10.1.0.1:8080"], DiscoveryRun.Addresses(first));
        Assert.Equal(1, first!.Version);
    }

    [Fact]
    public async Task Snapshots_are_streamed_in_version_order_with_the_full_set()
    {
        _api.Put(Pod("shop", "web-1", "10.1.0.1", ports: 8080));
        await using var run = DiscoveryRun.Start(_api);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<(long Version, int Groups)>();
        await foreach (var snapshot in run.Discovery.WatchTargetsAsync(stop.Token))
        {
            seen.Add((snapshot.Version, snapshot.Groups.Count));
            if (snapshot.Groups.Count == 1 && seen.Count == 1)
            {
                _api.Put(Pod("shop", "web-2", "10.1.0.2", ports: 8080));
            }

            if (snapshot.Groups.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([(1L, 1), (2L, 2)], seen);
    }
}
