using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like a Kubernetes API server for what discovery
/// uses: lists and watches of <c>pods</c>, <c>nodes</c>, <c>services</c>, <c>namespaces</c> (<c>/api/v1/…</c>) and
/// <c>endpointslices</c> (<c>/apis/discovery.k8s.io/v1/…</c>), cluster-wide and namespaced, with
/// <c>labelSelector</c>, <c>fieldSelector</c>, <c>metadata.resourceVersion</c> on lists, pages
/// (<c>limit</c> and <c>continue</c>; a token older than the kept history answers 410), and
/// <c>?watch=true&amp;resourceVersion=N&amp;allowWatchBookmarks=true&amp;timeoutSeconds=S</c> streaming
/// chunked newline-delimited watch events (<c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c>,
/// <c>BOOKMARK</c>, and <c>ERROR</c> carrying a 410 Gone <c>Status</c> when N is older than the kept
/// history). One resourceVersion counter orders every change, as etcd's revision does; a watch
/// first replays the kept changes after N, then follows live ones, and an object that moves in or
/// out of a watch's selectors is seen as ADDED or DELETED there.
/// <para>
/// It exists because no API server can run on the test machines (no network but the package
/// registries, no container runtime, and neither kube-apiserver nor etcd among the packages); it
/// follows the API server's documented list/watch behaviour closely enough that the discovery's
/// resume, relist and filtering logic is tested against the protocol rather than against mocks.
/// </para>
/// <para>
/// The test drives it: <see cref="Put(V1Pod)"/> and its overloads add or update objects,
/// <see cref="Delete"/> removes them, <see cref="CompactHistory"/> forgets past changes (a later
/// watch from before that point gets 410), <see cref="ExpireWatches"/> sends 410 on open watches,
/// <see cref="SendBookmarks"/>, <see cref="CloseWatches"/> (ended cleanly or dropped), and
/// <see cref="StopListeningAsync"/> (connections refused). What it received is in <see cref="Requests"/>.
/// </para>
/// </summary>
public sealed class KubernetesApiStandIn : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, KubernetesApiStandInResource Resource, string Type, JsonObject? Before, JsonObject? After)> _history = [];
    private readonly List<KubernetesApiStandInWatch> _watches = [];
    private readonly List<KubernetesApiStandInRequest> _requests = [];
    private WebApplication? _app;
    private System.Net.Sockets.Socket? _portHolder;
    private CancellationTokenSource _stopping = new();
    private long _version = 1000;
    private long _compactedThrough;
    private int _uids;
    private Action? _beforeContinuedPage;
    private readonly TimeProvider _clock;

    private KubernetesApiStandIn(TimeProvider clock)
    {
        _clock = clock;
        foreach (var resource in KubernetesApiStandInResource.All)
        {
            _objects[resource.Plural] = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>Starts the stand-in; objects put without a <c>creationTimestamp</c> are created at <paramref name="clock"/>'s time (default: the process clock).</summary>
    public static async Task<KubernetesApiStandIn> StartAsync(TimeProvider? clock = null)
    {
        var standIn = new KubernetesApiStandIn(clock ?? TimeProvider.System);
        await standIn.StartServerAsync(0);
        return standIn;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>The latest resourceVersion handed out.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<KubernetesApiStandInRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<KubernetesApiStandInRequest> Lists(string resource) => [.. Requests.Where(r => r.IsList && r.Resource == resource)];

    public IReadOnlyList<KubernetesApiStandInRequest> Watches(string resource) => [.. Requests.Where(r => r.IsWatch && r.Resource == resource)];

    /// <summary>
    /// While set, new watches are accepted and then never answered (no event, no end, whatever their
    /// timeoutSeconds), as over a connection that died without a reset.
    /// </summary>
    public bool StallNewWatches { get; set; }

    /// <summary>How many watches are open now.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public long Put(V1Pod pod) => Put(KubernetesApiStandInResource.Pods, KubernetesJson.Serialize(pod));

    public long Put(V1Node node) => Put(KubernetesApiStandInResource.Nodes, KubernetesJson.Serialize(node));

    public long Put(V1Service service) => Put(KubernetesApiStandInResource.Services, KubernetesJson.Serialize(service));

    public long Put(V1EndpointSlice slice) => Put(KubernetesApiStandInResource.EndpointSlices, KubernetesJson.Serialize(slice));

    public long Put(V1Namespace ns) => Put(KubernetesApiStandInResource.Namespaces, KubernetesJson.Serialize(ns));

    /// <summary>Adds the object, or replaces the one of the same namespace and name; returns its new resourceVersion.</summary>
    public long Put(KubernetesApiStandInResource resource, string json)
    {
        var item = JsonNode.Parse(json)!.AsObject();
        item["kind"] = resource.Kind;
        item["apiVersion"] = resource.ApiVersion;
        var metadata = item["metadata"] as JsonObject ?? throw new ArgumentException("the object has no metadata");
        if (resource.Namespaced && metadata["namespace"] is null)
        {
            metadata["namespace"] = "default";
        }

        lock (_gate)
        {
            var key = Key(metadata);
            var store = _objects[resource.Plural];
            store.TryGetValue(key, out var before);
            metadata["uid"] ??= before?["metadata"]?["uid"]?.DeepClone() ?? $"00000000-0000-4000-8000-{++_uids:D12}";
            metadata["creationTimestamp"] ??= before?["metadata"]?["creationTimestamp"]?.DeepClone() ?? _clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var version = ++_version;
            metadata["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            store[key] = item;
            RecordLocked(version, resource, before is null ? "ADDED" : "MODIFIED", before, item);
            return version;
        }
    }

    /// <summary>Deletes an object; returns the resourceVersion of the deletion, or 0 when there was none.</summary>
    public long Delete(KubernetesApiStandInResource resource, string? ns, string name)
    {
        lock (_gate)
        {
            var key = (resource.Namespaced ? ns ?? "default" : "") + "/" + name;
            if (!_objects[resource.Plural].Remove(key, out var before))
            {
                return 0;
            }

            var version = ++_version;
            var gone = before.DeepClone().AsObject();
            gone["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            RecordLocked(version, resource, "DELETED", gone, null);
            return version;
        }
    }

    /// <summary>Runs <paramref name="action"/> once, when the next request for a list's following page arrives (e.g. to compact history mid-list).</summary>
    public void OnceBeforeContinuedPage(Action action) => _beforeContinuedPage = action;

    /// <summary>Forgets every change so far, as etcd compaction does: a watch from an older resourceVersion gets 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _version;
        }
    }

    /// <summary>Sends a 410 Gone ERROR event on every open watch and ends it, as the API server does to a watcher it cannot serve further.</summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryWrite(GoneLine(_compactedThrough));
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion on every open watch that allowed bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                var bookmark = new JsonObject
                {
                    ["kind"] = watch.Resource.Kind,
                    ["apiVersion"] = watch.Resource.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                };
                watch.Lines.Writer.TryWrite(KubernetesApiStandInWatch.Line("BOOKMARK", bookmark));
            }
        }
    }

    /// <summary>Ends every open watch: cleanly (the response completes, as at its timeout) or by dropping the connection.</summary>
    public void CloseWatches(bool drop = false)
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                if (drop)
                {
                    watch.Abort.Cancel();
                }
                else
                {
                    watch.Lines.Writer.TryComplete();
                }
            }
        }
    }

    /// <summary>
    /// Stops listening: connections are refused until <see cref="StartListeningAsync"/>; open watches
    /// drop. The port stays bound by a socket that never listens, so no other server takes it.
    /// </summary>
    public async Task StopListeningAsync()
    {
        var app = _app;
        if (app is null)
        {
            return;
        }

        _app = null;
        CloseWatches(drop: true);
        await _stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        var placeholder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        placeholder.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        placeholder.Bind(new IPEndPoint(IPAddress.Loopback, Uri.Port));
        _portHolder = placeholder;
    }

    public async Task StartListeningAsync()
    {
        if (_app is not null)
        {
            return;
        }

        _stopping.Dispose();
        _stopping = new CancellationTokenSource();
        _portHolder?.Dispose();
        _portHolder = null;
        await StartServerAsync(Uri.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync();
        _portHolder?.Dispose();
        _stopping.Dispose();
    }

    private static string Key(JsonNode metadata) =>
        (metadata["namespace"]?.GetValue<string>() ?? "") + "/" + metadata["name"]?.GetValue<string>();

    private static string GoneLine(long oldest)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"too old resource version: requested is older than {oldest}",
            ["reason"] = "Expired",
            ["code"] = 410,
        };
        return KubernetesApiStandInWatch.Line("ERROR", status);
    }

    private static JsonObject StatusBody(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private void RecordLocked(long version, KubernetesApiStandInResource resource, string type, JsonObject? before, JsonObject? after)
    {
        _history.Add((version, resource, type, before?.DeepClone().AsObject(), after?.DeepClone().AsObject()));
        foreach (var watch in _watches.Where(w => w.Resource == resource))
        {
            if (watch.EventFor(type, before, after) is { } line)
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    private async Task StartServerAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        Uri = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var query = request.Query;
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);

        // /api/v1/{rest} or /apis/{group}/v1/{rest}; rest = plural | namespaces/{ns}/plural[/name] | plural/name
        string[] rest = segments switch
        {
            ["api", "v1", .. var r] => r,
            ["apis", _, "v1", .. var r] => r,
            _ => [],
        };
        var group = segments is ["apis", var g, ..] ? g : "";
        var (plural, ns, name) = rest switch
        {
            ["namespaces", var n, var p] => (p, n, (string?)null),
            ["namespaces", var n, var p, var o] => (p, n, o),
            [var p] => (p, (string?)null, (string?)null),
            [var p, var o] => (p, (string?)null, o),
            _ => ("", null, null),
        };
        var resource = KubernetesApiStandInResource.All.FirstOrDefault(r => r.Plural == plural && r.Group == group && (ns is null || r.Namespaced));
        var watch = string.Equals(query["watch"], "true", StringComparison.OrdinalIgnoreCase) || query["watch"] == "1";
        lock (_gate)
        {
            _requests.Add(new KubernetesApiStandInRequest(
                request.Method, path, resource?.Plural ?? "", ns, name, watch,
                query.ContainsKey("resourceVersion") ? query["resourceVersion"].ToString() : null,
                query.ContainsKey("labelSelector") ? query["labelSelector"].ToString() : null,
                query.ContainsKey("fieldSelector") ? query["fieldSelector"].ToString() : null,
                string.Equals(query["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase),
                int.TryParse(query["limit"], out var limit) ? limit : null,
                query.ContainsKey("continue") ? query["continue"].ToString() : null));
        }

        if (resource is null || !HttpMethods.IsGet(request.Method))
        {
            await WriteJsonAsync(context, 404, StatusBody(404, "NotFound", $"the server could not find the requested resource ({request.Method} {path})"));
            return;
        }

        KubernetesApiStandInSelector labels, fields;
        try
        {
            labels = KubernetesApiStandInSelector.Labels(query["labelSelector"]);
            fields = KubernetesApiStandInSelector.Fields(query["fieldSelector"]);
        }
        catch (FormatException e)
        {
            await WriteJsonAsync(context, 400, StatusBody(400, "BadRequest", e.Message));
            return;
        }

        if (name is not null)
        {
            JsonObject? found;
            lock (_gate)
            {
                _objects[resource.Plural].TryGetValue((ns ?? "") + "/" + name, out found);
                found = found?.DeepClone().AsObject();
            }

            await WriteJsonAsync(context, found is null ? 404 : 200, found ?? StatusBody(404, "NotFound", $"{resource.Plural} \"{name}\" not found"));
            return;
        }

        if (!watch)
        {
            await ListAsync(context, resource, ns, labels, fields);
            return;
        }

        await WatchAsync(context, resource, ns, labels, fields);
    }

    // A list, in pages when asked a limit: the continue token carries the list's resourceVersion and
    // the last key served; a token older than the kept history answers 410 Expired, as the API server does.
    private async Task ListAsync(HttpContext context, KubernetesApiStandInResource resource, string? ns, KubernetesApiStandInSelector labels, KubernetesApiStandInSelector fields)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        long listVersion;
        var after = "";
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            Interlocked.Exchange(ref _beforeContinuedPage, null)?.Invoke();
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            listVersion = long.Parse(decoded[0], CultureInfo.InvariantCulture);
            after = decoded[1];
        }
        else
        {
            listVersion = ResourceVersion;
        }

        JsonObject list;
        lock (_gate)
        {
            if (listVersion < _compactedThrough)
            {
                list = StatusBody(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }
            else
            {
                var filter = new KubernetesApiStandInWatch(resource, ns, labels, fields, false);
                var matching = _objects[resource.Plural].Values.Where(filter.Selects)
                    .Select(o => (Key: Key(o["metadata"]!), Item: o))
                    .Where(o => string.CompareOrdinal(o.Key, after) > 0)
                    .OrderBy(o => o.Key, StringComparer.Ordinal)
                    .ToList();
                var page = matching.Take(limit).ToList();
                var metadata = new JsonObject { ["resourceVersion"] = listVersion.ToString(CultureInfo.InvariantCulture) };
                if (matching.Count > page.Count)
                {
                    metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{listVersion}|{page[^1].Key}"));
                    metadata["remainingItemCount"] = matching.Count - page.Count;
                }

                list = new JsonObject
                {
                    ["kind"] = resource.ListKind,
                    ["apiVersion"] = resource.ApiVersion,
                    ["metadata"] = metadata,
                    ["items"] = new JsonArray([.. page.Select(p => p.Item.DeepClone())]),
                };
            }
        }

        await WriteJsonAsync(context, list["kind"]?.GetValue<string>() == "Status" ? 410 : 200, list);
    }

    private async Task WatchAsync(HttpContext context, KubernetesApiStandInResource resource, string? ns, KubernetesApiStandInSelector labels, KubernetesApiStandInSelector fields)
    {
        var query = context.Request.Query;
        var watch = new KubernetesApiStandInWatch(resource, ns, labels, fields, string.Equals(query["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase));
        var from = query["resourceVersion"].ToString();
        lock (_gate)
        {
            if (from is "" or "0")
            {
                // No resourceVersion: the current state as ADDED events, then changes.
                foreach (var item in _objects[resource.Plural].Values.Where(watch.Selects))
                {
                    watch.Lines.Writer.TryWrite(KubernetesApiStandInWatch.Line("ADDED", item));
                }
            }
            else if (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < _compactedThrough)
            {
                watch.Lines.Writer.TryWrite(GoneLine(_compactedThrough));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var change in _history.Where(h => h.Resource == resource && h.Version > version))
                {
                    if (watch.EventFor(change.Type, change.Before, change.After) is { } line)
                    {
                        watch.Lines.Writer.TryWrite(line);
                    }
                }
            }

            _watches.Add(watch);
        }

        var stalled = StallNewWatches;
        var timeout = !stalled && int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token, watch.Abort.Token);
        ending.CancelAfter(timeout);
        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(ending.Token);
            await context.Response.Body.FlushAsync(ending.Token);
            if (stalled)
            {
                await Task.Delay(Timeout.Infinite, ending.Token);
            }

            await foreach (var line in watch.Lines.Reader.ReadAllAsync(ending.Token))
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), ending.Token);
                await context.Response.Body.FlushAsync(ending.Token);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            if (watch.Abort.IsCancellationRequested || _stopping.IsCancellationRequested)
            {
                context.Abort();
            }
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(watch);
            }

            watch.Abort.Dispose();
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
