using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like an Elasticsearch 9 node for what the .NET
/// client and our output and search use: <c>GET /</c> and <c>HEAD /</c>, <c>POST /_bulk</c>
/// (NDJSON, gzip request bodies, create/index with per-index in-memory documents by <c>_id</c>,
/// 201/409 and Elasticsearch-shaped per-item errors), <c>PUT /_index_template/{name}</c>,
/// <c>PUT /{index}</c>, the document APIs (<c>/{index}/_doc/{id}</c>, <c>_create</c>),
/// <c>/{indices}/_search</c> (the query DSL subset of <see cref="ElasticsearchStandInQuery"/>, sort,
/// from/size, track_total_hits), <c>/{indices}/_count</c> and <c>/{indices}/_refresh</c>. Every
/// answer carries <c>X-Elastic-Product: Elasticsearch</c> (see <see cref="SendProductHeader"/>),
/// which the client checks.
/// <para>
/// As in Elasticsearch, a write is searchable only after a refresh of its index: periodic
/// (<see cref="RefreshInterval"/>, 1 s by default, or the index's <c>index.refresh_interval</c>;
/// skipped while the index is search-idle), explicit (<c>_refresh</c>), or asked for by the write
/// (<c>refresh=true</c>, <c>refresh=wait_for</c>). A test that searches right after writing must
/// wait as a client of Elasticsearch must. The test-side views (<see cref="Documents"/>,
/// <see cref="DocumentCount"/>) show every write at once.
/// </para>
/// <para>
/// It exists because Elasticsearch cannot be installed on the test machines (no network but the
/// package registries, and no JVM distribution among them); it follows Elasticsearch's documented
/// behaviour and response shapes closely enough that the output's retry and dead-letter logic and
/// the KQL translation are tested against the protocol rather than against mocks.
/// </para>
/// <para>
/// Faults are driven by the test: <see cref="StopListeningAsync"/> / <see cref="StartListeningAsync"/>
/// (connections refused), <see cref="FailRequests"/> (a whole request answered 429, 5xx, 401…),
/// <see cref="AbortRequests"/> (connection dropped), <see cref="HoldResponses"/> (answers that never come),
/// <see cref="RejectItems"/> (chosen bulk items answered 429 or 5xx) and
/// <see cref="RejectDocuments"/> (chosen documents refused with a 400 mapping error). What it
/// received is in <see cref="Counters"/>, <see cref="Requests"/> and the stored documents.
/// </para>
/// <para>
/// It is as strict as Elasticsearch 9 where a shipper can get it wrong: documents are parsed
/// against the index mapping (<see cref="ElasticsearchStandInMapping"/>: dotted names,
/// <c>subobjects</c>, <c>flattened</c>, <c>ignore_above</c>, dynamic mapping and its limits,
/// analyzers), index templates are validated before they are installed, Elasticsearch's built-in
/// <c>logs</c> template makes <c>logs-*-*</c> data streams, and every request is authorized
/// against <see cref="Privileges"/>, all answered with Elasticsearch's error types and wording.
/// </para>
/// </summary>
public sealed partial class ElasticsearchStandIn : IAsyncDisposable
{
    public const string Version = "9.1.0";

    private System.Net.Sockets.Socket? _portHolder;

    private readonly object _gate = new();
    private readonly Dictionary<string, ElasticsearchStandInIndex> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _templates = new(StringComparer.Ordinal);
    private readonly List<ElasticsearchStandInItemFault> _itemFaults = [];
    private readonly List<ElasticsearchStandInRequestFault> _requestFaults = [];
    private readonly List<ElasticsearchStandInRequest> _requests = [];
    private readonly X509Certificate2? _certificate;
    private readonly TimeProvider _time;
    private WebApplication? _app;
    private CancellationTokenSource _stopping = new();
    private long _sequence;
    private ElasticsearchStandInCounters _counters = new();
    private string? _requiredAuthorization;

    private ElasticsearchStandIn(X509Certificate2? certificate, TimeProvider time)
    {
        _certificate = certificate;
        _time = time;
    }

    /// <summary>
    /// Starts a stand-in on a free port of 127.0.0.1; with a certificate it speaks HTTPS.
    /// <paramref name="time"/> drives periodic refresh and search-idle (a fake clock lets a test
    /// move them without waiting); the process clock by default.
    /// </summary>
    public static async Task<ElasticsearchStandIn> StartAsync(X509Certificate2? certificate = null, TimeProvider? time = null)
    {
        var standIn = new ElasticsearchStandIn(certificate, time ?? TimeProvider.System);
        await standIn.StartServerAsync(0);
        return standIn;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Uri { get; private set; } = null!;

    public int Port => Uri.Port;

    /// <summary>Whether answers carry <c>X-Elastic-Product: Elasticsearch</c> (the client refuses servers without it).</summary>
    public bool SendProductHeader { get; set; } = true;

    public bool IsListening => _app is not null;

    /// <summary>Keep each request's decoded body in <see cref="Requests"/>; turn off for long runs with many records.</summary>
    public bool RecordBodies { get; set; } = true;

    public ElasticsearchStandInCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return _counters;
            }
        }
    }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ElasticsearchStandInRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests to <c>/_bulk</c>, in order.</summary>
    public IReadOnlyList<ElasticsearchStandInRequest> BulkRequests => [.. Requests.Where(r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal))];

    public IReadOnlyList<string> IndexNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _indices.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Installed index templates by name (the body as sent).</summary>
    public IReadOnlyDictionary<string, JsonElement> Templates
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, JsonElement>(_templates);
            }
        }
    }

    /// <summary>The mapping of an index the stand-in created.</summary>
    public ElasticsearchStandInMapping IndexMapping(string index)
    {
        lock (_gate)
        {
            return Index(index).Mapping;
        }
    }

    /// <summary>
    /// Every stored document in order of arrival, optionally of one index only: what was written,
    /// refreshed or not. This is the test's view of the store, not the search API; what
    /// <c>_search</c> sees waits for a refresh.
    /// </summary>
    public IReadOnlyList<ElasticsearchStandInDocument> Documents(string? index = null)
    {
        lock (_gate)
        {
            return [.. _indices.Values.Where(i => index is null || i.Name == index || i.DataStream == index)
                .SelectMany(i => i.Documents.Values).OrderBy(d => d.Sequence)];
        }
    }

    /// <summary>How many documents the indices hold, refreshed or not (see <see cref="Documents"/>).</summary>
    public int DocumentCount
    {
        get
        {
            lock (_gate)
            {
                return _indices.Values.Sum(i => i.Documents.Count);
            }
        }
    }

    /// <summary>Answers 401 unless requests carry HTTP basic credentials for this user.</summary>
    public void RequireBasicAuth(string user, string password)
    {
        _requiredAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        Privileges.User = user;
    }

    /// <summary>Answers 401 unless requests carry <c>Authorization: ApiKey &lt;encoded&gt;</c>.</summary>
    public void RequireApiKey(string encoded) => _requiredAuthorization = "ApiKey " + encoded;

    /// <summary>
    /// Answers bulk items matching <paramref name="match"/> with <paramref name="status"/> (429
    /// <c>es_rejected_execution_exception</c>, 503 <c>unavailable_shards_exception</c>, 500
    /// <c>illegal_state_exception</c>…) the next <paramref name="times"/> times one is sent.
    /// </summary>
    public void RejectItems(Func<ElasticsearchStandInBulkItem, bool> match, int status = 429, int times = 1)
    {
        var (type, reason) = ItemError(status);
        AddItemFault(match, status, type, _ => reason, times);
    }

    /// <summary>
    /// Refuses matching documents for good with a 400, by default the
    /// <c>document_parsing_exception</c> Elasticsearch 9 answers a value that does not fit its field.
    /// </summary>
    public void RejectDocuments(
        Func<ElasticsearchStandInBulkItem, bool> match,
        string errorType = "document_parsing_exception",
        string? reason = null) =>
        AddItemFault(match, 400, errorType,
            item => reason ?? $"[1:11] failed to parse field [status] of type [long] in document with id '{item.Id}'. Preview of field's value: 'abc'",
            int.MaxValue);

    /// <summary>
    /// Answers the next <paramref name="times"/> requests whose path starts with
    /// <paramref name="pathPrefix"/> with <paramref name="status"/>, after letting
    /// <paramref name="skip"/> of them through.
    /// </summary>
    public void FailRequests(int status, int times = 1, string pathPrefix = "/_bulk", string method = "", int skip = 0)
    {
        var (type, reason) = status switch
        {
            401 => ("security_exception", "unable to authenticate user [elastic] for REST request [/_bulk]"),
            403 => ("security_exception", Privileges.DeniedMessage(ActionFor(pathPrefix))),
            429 => ("es_rejected_execution_exception", "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=0]"),
            503 => ("cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];"),
            413 => ("content_too_long_exception", "request body is too large"),
            _ => ("exception", "stand-in fault"),
        };
        AddRequestFault(new ElasticsearchStandInRequestFault { Match = Matcher(pathPrefix, method), Status = status, ErrorType = type, Reason = reason, Remaining = times, Skip = skip });
    }

    /// <summary>Drops the connection of the next <paramref name="times"/> matching requests without answering.</summary>
    public void AbortRequests(int times = 1, string pathPrefix = "/_bulk", string method = "") =>
        AddRequestFault(new ElasticsearchStandInRequestFault { Match = Matcher(pathPrefix, method), Abort = true, Remaining = times });

    /// <summary>
    /// Holds the next <paramref name="times"/> matching requests without answering until the client
    /// gives up (its timeout) or the stand-in stops: a server too slow for the client.
    /// </summary>
    public void HoldResponses(int times = 1, string pathPrefix = "", string method = "") =>
        AddRequestFault(new ElasticsearchStandInRequestFault { Match = Matcher(pathPrefix, method), Hold = true, Remaining = times });

    /// <summary>Removes every item and request fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _itemFaults.Clear();
            _requestFaults.Clear();
        }
    }

    /// <summary>
    /// Stops listening: connections are refused until <see cref="StartListeningAsync"/>. Documents
    /// are kept. The port stays bound (by a socket that never listens, so connecting is refused),
    /// so no other server started meanwhile (tests run in parallel) can take it and answer instead.
    /// </summary>
    public async Task StopListeningAsync()
    {
        if (await StopServerAsync())
        {
            HoldPort();
        }
    }

    /// <summary>Listens again on the same port.</summary>
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
        await StartServerAsync(Port);
    }

    public async ValueTask DisposeAsync()
    {
        StopRefreshing();

        // No port to hold for anyone: a server of another test may already have been given it.
        await StopServerAsync();
        _portHolder?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Stops the HTTP server; false when it was not running.</summary>
    private async Task<bool> StopServerAsync()
    {
        var app = _app;
        if (app is null)
        {
            return false;
        }

        _app = null;
        await _stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        return true;
    }

    private void HoldPort()
    {
        var placeholder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        placeholder.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        placeholder.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _portHolder = placeholder;
    }

    private static Func<string, string, bool> Matcher(string pathPrefix, string method) =>
        (m, path) => path.StartsWith(pathPrefix, StringComparison.Ordinal) && (method.Length == 0 || string.Equals(m, method, StringComparison.OrdinalIgnoreCase));

    private static (string Type, string Reason) ItemError(int status) => status switch
    {
        429 => ("es_rejected_execution_exception", "rejected execution of org.elasticsearch.action.support.replication.TransportWriteAction on EsThreadPoolExecutor[name = standin/write, queue capacity = 10000]"),
        503 => ("unavailable_shards_exception", "[0] primary shard is not active Timeout: [1m]"),
        500 => ("illegal_state_exception", "stand-in shard failure"),
        400 => ("document_parsing_exception", "[1:2] failed to parse"),
        _ => ("exception", "stand-in item fault"),
    };

    private void AddItemFault(Func<ElasticsearchStandInBulkItem, bool> match, int status, string type, Func<ElasticsearchStandInBulkItem, string> reason, int times)
    {
        lock (_gate)
        {
            _itemFaults.Add(new ElasticsearchStandInItemFault { Match = match, Status = status, ErrorType = type, Reason = reason, Remaining = times });
        }
    }

    private void AddRequestFault(ElasticsearchStandInRequestFault fault)
    {
        lock (_gate)
        {
            _requestFaults.Add(fault);
        }
    }

    private void Count(Func<ElasticsearchStandInCounters, ElasticsearchStandInCounters> change)
    {
        lock (_gate)
        {
            _counters = change(_counters);
        }
    }

    private async Task StartServerAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                if (_certificate is not null)
                {
                    listen.UseHttps(_certificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        Uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method;
        var path = request.Path.Value ?? "/";
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw, context.RequestAborted);
        var body = raw.ToArray();
        var gzip = string.Equals(request.Headers.ContentEncoding.ToString(), "gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip)
        {
            using var unzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var decoded = new MemoryStream();
            await unzip.CopyToAsync(decoded, context.RequestAborted);
            body = decoded.ToArray();
        }

        Count(c => c with { Requests = c.Requests + 1, GzipRequests = c.GzipRequests + (gzip ? 1 : 0) });
        var answer = new Answer();
        if (SendProductHeader)
        {
            context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        }

        var fault = TakeRequestFault(method, path);
        if (fault is { Hold: true })
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                // Ends only when the client aborts the request or the stand-in stops.
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException)
            {
                Record(method, path, request.QueryString.Value ?? "", headers, raw.Length, body, [], 0);
                context.Abort();
                return;
            }
        }

        if (fault is { Abort: true })
        {
            Count(c => c with { FailedRequests = c.FailedRequests + 1 });
            Record(method, path, request.QueryString.Value ?? "", headers, raw.Length, body, [], 0);
            context.Abort();
            return;
        }

        IReadOnlyList<string?> bulkIds = [];
        if (_requiredAuthorization is { } required && request.Headers.Authorization.ToString() != required)
        {
            Count(c => c with { FailedRequests = c.FailedRequests + 1 });
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"security\", charset=\"UTF-8\"";
            answer.Error(401, "security_exception", request.Headers.Authorization.Count == 0
                ? $"missing authentication credentials for REST request [{path}]"
                : $"unable to authenticate with provided credentials and anonymous access is not allowed for this request");
        }
        else if (fault is { Status: > 0 } failing)
        {
            Count(c => c with { FailedRequests = c.FailedRequests + 1 });
            answer.Error(failing.Status, failing.ErrorType, failing.Reason);
        }
        else if (!AcceptsMediaTypes(request, answer))
        {
            // answer holds the 400
        }
        else
        {
            try
            {
                bulkIds = Dispatch(method, path, request.Query, body, answer);
            }
            catch (JsonException e)
            {
                answer.Error(400, "x_content_parse_exception", $"[1:1] {e.Message}");
            }
            catch (ElasticsearchStandInQueryException e)
            {
                answer.Error(400, e.Type, e.Message);
            }
            catch (ElasticsearchStandInRequestException e)
            {
                answer.Error(e.Status, e.Error);
            }
        }

        if (answer.Wait is { } wait)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                // A refresh=wait_for write answers once a refresh has made it visible.
                await wait.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                Record(method, path, request.QueryString.Value ?? "", headers, raw.Length, body, bulkIds, 0);
                context.Abort();
                return;
            }
        }

        Record(method, path, request.QueryString.Value ?? "", headers, raw.Length, body, bulkIds, answer.Status);
        context.Response.StatusCode = answer.Status;
        if (answer.Body is { } json)
        {
            var accept = request.Headers.Accept.ToString();
            context.Response.ContentType = accept.Contains("application/vnd.elasticsearch+json", StringComparison.OrdinalIgnoreCase)
                ? "application/vnd.elasticsearch+json;compatible-with=9"
                : "application/json";
            if (!HttpMethods.IsHead(method))
            {
                context.Response.ContentLength = json.Length;
                await context.Response.Body.WriteAsync(json, context.RequestAborted);
            }
        }
    }

    // Elasticsearch answers 400 to a vendor media type asking for a version it does not speak.
    private static bool AcceptsMediaTypes(HttpRequest request, Answer answer)
    {
        foreach (var header in new[] { request.Headers.Accept.ToString(), request.ContentType ?? "" })
        {
            var at = header.IndexOf("compatible-with=", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var version = header[(at + "compatible-with=".Length)..].Split(',', ';')[0].Trim();
                if (version is not ("8" or "9"))
                {
                    answer.Error(400, "media_type_header_exception", $"Invalid media-type value on headers [Accept, Content-Type]: compatible-with={version}");
                    return false;
                }
            }
        }

        return true;
    }

    private ElasticsearchStandInRequestFault? TakeRequestFault(string method, string path)
    {
        lock (_gate)
        {
            foreach (var fault in _requestFaults)
            {
                if (fault.Remaining > 0 && fault.Match(method, path))
                {
                    if (fault.Skip > 0)
                    {
                        fault.Skip--;
                        continue;
                    }

                    if (fault.Remaining != int.MaxValue)
                    {
                        fault.Remaining--;
                    }

                    return fault;
                }
            }
        }

        return null;
    }

    private void Record(string method, string path, string query, Dictionary<string, string> headers, long wireBytes, byte[] body, IReadOnlyList<string?> bulkIds, int status)
    {
        lock (_gate)
        {
            _requests.Add(new ElasticsearchStandInRequest(method, path, query, headers, wireBytes, RecordBodies ? Encoding.UTF8.GetString(body) : "", bulkIds, status));
        }
    }

    private IReadOnlyList<string?> Dispatch(string method, string path, IQueryCollection query, byte[] body, Answer answer)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case [] when method is "GET" or "HEAD":
                Count(c => c with { InfoRequests = c.InfoRequests + 1 });
                Authorize("cluster:monitor/main");
                answer.Json(200, Info);
                return [];
            case ["_bulk"] when method is "POST" or "PUT":
                return Bulk(null, query, body, answer);
            case [var index, "_bulk"] when method is "POST" or "PUT":
                return Bulk(index, query, body, answer);
            case ["_index_template", var name] when method is "PUT" or "POST":
                PutTemplate(name, body, query, answer);
                return [];
            case [var target, "_search"] when method is "GET" or "POST":
                Search(target, query, body, answer);
                return [];
            case ["_search"] when method is "GET" or "POST":
                Search("_all", query, body, answer);
                return [];
            case [var target, "_count"] when method is "GET" or "POST":
                CountDocuments(target, query, body, answer);
                return [];
            case ["_count"] when method is "GET" or "POST":
                CountDocuments("_all", query, body, answer);
                return [];
            case [var target, "_refresh"] when method is "GET" or "POST":
                RefreshIndices(target, query, answer);
                return [];
            case ["_refresh"] when method is "GET" or "POST":
                RefreshIndices("_all", query, answer);
                return [];
            case [var index, "_doc", var id] when method is "PUT" or "POST":
                IndexDocument(index, id, "index", query, body, answer);
                return [];
            case [var index, "_doc"] when method is "POST":
                IndexDocument(index, null, "create", query, body, answer);
                return [];
            case [var index, "_create", var id] when method is "PUT" or "POST":
                IndexDocument(index, id, "create", query, body, answer);
                return [];
            case [var index, "_doc", var id] when method is "DELETE":
                DeleteDocument(index, id, query, answer);
                return [];
            case [var index, "_doc", var id] when method is "GET" or "HEAD":
                GetDocument(index, id, query, answer);
                return [];
            case [var index] when method is "PUT" && !index.StartsWith('_'):
                CreateIndex(index, body, answer);
                return [];
            default:
                answer.Error(405, "illegal_argument_exception", $"the stand-in has no handler for [{method} {path}]");
                return [];
        }
    }

    private static void Info(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "standin-node-0");
        w.WriteString("cluster_name", "standin");
        w.WriteString("cluster_uuid", "c2t2bmRpbi1jbHVzdGVy");
        w.WriteStartObject("version");
        w.WriteString("number", Version);
        w.WriteString("build_flavor", "default");
        w.WriteString("build_type", "docker");
        w.WriteString("build_hash", "0000000000000000000000000000000000000000");
        w.WriteString("build_date", "2025-07-17T22:09:57.814Z");
        w.WriteBoolean("build_snapshot", false);
        w.WriteString("lucene_version", "10.2.2");
        w.WriteString("minimum_wire_compatibility_version", "8.19.0");
        w.WriteString("minimum_index_compatibility_version", "8.0.0");
        w.WriteEndObject();
        w.WriteString("tagline", "You Know, for Search");
        w.WriteEndObject();
    }

    private IReadOnlyList<string?> Bulk(string? pathIndex, IQueryCollection query, byte[] body, Answer answer)
    {
        Count(c => c with { BulkRequests = c.BulkRequests + 1 });
        if (body.Length == 0)
        {
            answer.Error(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;");
            return [];
        }

        if (!TryParseRefreshPolicy(query, answer, out var refresh))
        {
            return [];
        }

        if (body[^1] != (byte)'\n')
        {
            answer.Error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
            return [];
        }

        // Parse every line first: a malformed action line fails the whole request, as in Elasticsearch.
        var lines = Encoding.UTF8.GetString(body).Split('\n');
        var writes = new List<ElasticsearchStandInWrite>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var (write, error) = ParseActionLine(line, i + 1, pathIndex, query.TryGetValue("pipeline", out var pipeline) ? pipeline.ToString() : null);
            if (write is null)
            {
                answer.Error(400, "illegal_argument_exception", error!);
                return [];
            }

            if (write.Action != "delete")
            {
                // The body ends with a newline, so its last element is empty: Elasticsearch stops at an action whose source line never comes.
                if (i + 1 >= lines.Length - 1)
                {
                    break;
                }

                write.SourceText = lines[++i].TrimEnd('\r');
            }

            writes.Add(write);
        }

        // Request validation names every invalid item, numbered from 1, as ActionRequestValidationException does.
        var invalid = new List<string>();
        if (writes.Count == 0)
        {
            invalid.Add("no requests added");
        }

        foreach (var write in writes)
        {
            if (write.Index.Length == 0)
            {
                invalid.Add("index is missing");
            }

            if (write.Action is "delete" or "update" && write.Id is null)
            {
                invalid.Add("id is missing");
            }
        }

        if (invalid.Count > 0)
        {
            answer.Error(400, "action_request_validation_exception",
                "Validation Failed: " + string.Concat(invalid.Select((reason, n) => $"{n + 1}: {reason};")));
            return [];
        }

        // The bulk request as a whole needs a write privilege on some index; each item is checked again.
        Authorize("indices:data/write/bulk");
        var requireAlias = query["require_alias"].ToString() == "true";

        // Writes and their refresh listeners under one hold of the lock, so no refresh falls between them.
        Task? wait;
        lock (_gate)
        {
            foreach (var write in writes)
            {
                _counters = _counters with { BulkItems = _counters.BulkItems + 1 };
                write.RequireAlias ??= requireAlias;
                Apply(write);
            }

            wait = ApplyRefreshPolicy(refresh, writes);
        }

        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("errors", writes.Any(x => x.Error is not null));
            w.WriteNumber("took", 1);
            w.WriteStartArray("items");
            foreach (var write in writes)
            {
                w.WriteStartObject();
                w.WriteStartObject(write.Action);
                WriteOutcome(w, write, withStatus: true);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        answer.WaitBeforeAnswering(wait);
        return [.. writes.Select(a => a.Id)];
    }

    /// <summary>
    /// One action/metadata line, checked as Elasticsearch 9's <c>BulkRequestParser</c> checks it
    /// (strict action parsing): one known action, an object of simple values, no unknown parameter.
    /// </summary>
    private static (ElasticsearchStandInWrite? Write, string? Error) ParseActionLine(string line, int number, string? pathIndex, string? defaultPipeline)
    {
        static (ElasticsearchStandInWrite?, string?) Fail(string reason) => (null, reason);

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail($"Malformed action/metadata line [{number}], expected START_OBJECT but found [{TokenName(root)}]");
        }

        var members = root.EnumerateObject().ToList();
        if (members.Count == 0)
        {
            return Fail($"Malformed action/metadata line [{number}], expected FIELD_NAME but found [END_OBJECT]");
        }

        var action = members[0].Name;
        if (action is not ("create" or "index" or "update" or "delete"))
        {
            return Fail($"Malformed action/metadata line [{number}], expected field [create], [delete], [index] or [update] but found [{action}]");
        }

        var parameters = members[0].Value;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return Fail($"Malformed action/metadata line [{number}], expected START_OBJECT or END_OBJECT but found [{TokenName(parameters)}]");
        }

        string? index = pathIndex;
        string? id = null;
        long? ifSeqNo = null;
        long? ifPrimaryTerm = null;
        var pipeline = defaultPipeline;
        bool? requireAlias = null;
        Dictionary<string, string>? dynamicTemplates = null;
        foreach (var parameter in parameters.EnumerateObject())
        {
            var value = parameter.Value;
            if (value.ValueKind == JsonValueKind.Array
                || (value.ValueKind == JsonValueKind.Object && parameter.Name is not ("_source" or "dynamic_templates")))
            {
                return Fail($"Malformed action/metadata line [{number}], expected a simple value for field [{parameter.Name}] but found [{TokenName(value)}]");
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            switch (parameter.Name)
            {
                case "_index":
                    index = text;
                    break;
                case "_id":
                    id = text;
                    break;
                case "op_type" when action == "index":
                    if (text is not ("create" or "index"))
                    {
                        return Fail($"opType must be 'create' or 'index', found: [{text}]");
                    }

                    action = text;
                    break;
                case "if_seq_no":
                    ifSeqNo = long.Parse(text, CultureInfo.InvariantCulture);
                    break;
                case "if_primary_term":
                    ifPrimaryTerm = long.Parse(text, CultureInfo.InvariantCulture);
                    break;
                case "pipeline":
                    pipeline = text;
                    break;
                case "require_alias":
                    requireAlias = text == "true";
                    break;
                case "dynamic_templates" when value.ValueKind == JsonValueKind.Object:
                    dynamicTemplates = value.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString()!, StringComparer.Ordinal);
                    break;

                // Accepted and without effect here: one node, no ingest pipelines, no external versions, no aliases.
                case "op_type" or "routing" or "version" or "version_type" or "retry_on_conflict" or "_source"
                    or "require_data_stream" or "list_executed_pipelines":
                    break;
                default:
                    return Fail($"Action/metadata line [{number}] contains an unknown parameter [{parameter.Name}]");
            }
        }

        if (members.Count > 1)
        {
            return Fail($"Malformed action/metadata line [{number}], expected END_OBJECT but found [FIELD_NAME]");
        }

        return (new ElasticsearchStandInWrite(action, index ?? "", id)
        {
            IfSeqNo = ifSeqNo,
            IfPrimaryTerm = ifPrimaryTerm,
            Pipeline = action == "delete" ? null : pipeline,
            RequireAlias = requireAlias,
            DynamicTemplates = dynamicTemplates,
        }, null);
    }

    private static string TokenName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "START_OBJECT",
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        JsonValueKind.True or JsonValueKind.False => "VALUE_BOOLEAN",
        _ => "VALUE_NULL",
    };

    /// <summary>Runs one write (a bulk item or a document API call) and records its outcome on it.</summary>
    private void Apply(ElasticsearchStandInWrite write)
    {
        JsonElement source = default;
        if (write.SourceText is { } sourceText)
        {
            try
            {
                using var parsed = JsonDocument.Parse(sourceText);
                source = parsed.RootElement.Clone();
                if (source.ValueKind != JsonValueKind.Object)
                {
                    write.Error = (400, "document_parsing_exception", "[1:1] failed to parse: the document is not a JSON object");
                }
                else if (DuplicateMember(source) is { } duplicate)
                {
                    write.Error = (400, "document_parsing_exception", $"[1:2] failed to parse: Duplicate field '{duplicate}'");
                }
            }
            catch (JsonException e)
            {
                write.Error = (400, "document_parsing_exception", $"[1:1] failed to parse: {e.Message}");
            }
        }

        if (write.Id is "")
        {
            write.Error ??= (400, "illegal_argument_exception", "if _id is specified it must not be empty");
        }

        // The stand-in has no ingest pipelines, so any named one is missing; _none means none.
        if (write.Pipeline is { } pipeline && pipeline != "_none")
        {
            write.Error ??= (400, "illegal_argument_exception", $"pipeline with id [{pipeline}] does not exist");
        }

        var index = write.Index;
        write.Id ??= write.Action is "index" or "create" ? Guid.NewGuid().ToString("N")[..20] : null;
        var id = write.Id;
        lock (_gate)
        {
            if (write.Error is null && InvalidIndexName(index) is { } invalid)
            {
                write.Error = (400, "invalid_index_name_exception", $"Invalid index name [{index}], {invalid}");
            }

            if (write.Error is null)
            {
                var item = new ElasticsearchStandInBulkItem(write.Action, index, id, source);
                foreach (var fault in _itemFaults)
                {
                    if (fault.Remaining > 0 && fault.Match(item))
                    {
                        if (fault.Remaining != int.MaxValue)
                        {
                            fault.Remaining--;
                        }

                        write.Error = (fault.Status, fault.ErrorType, fault.Reason(item));
                        break;
                    }
                }
            }

            // A delete creates no index: Elasticsearch answers it index_not_found_exception.
            if (write.Error is null && write.Action == "delete" && !_indices.ContainsKey(index))
            {
                write.Error = (404, "index_not_found_exception", $"no such index [{index}]");
            }

            ElasticsearchStandInIndex? target = null;
            if (write.Error is null)
            {
                var (found, failureStatus, failure) = WriteTarget(index, write.RequireAlias ?? false);
                if (failure is not null)
                {
                    Refuse(write, failureStatus, failure);
                }
                else if (found!.DataStream is not null && write.Action != "create")
                {
                    Refuse(write, 400, new ElasticsearchStandInError("illegal_argument_exception", "only write ops with an op_type of create are allowed in data streams"));
                }
                else if (BulkItemDenial(write.Action, found.DataStream ?? found.Name) is { } denial)
                {
                    Refuse(write, 403, denial);
                }
                else
                {
                    target = found;
                }
            }

            if (target is not null)
            {
                target.Documents.TryGetValue(id!, out var current);
                if (write.IfSeqNo is { } ifSeqNo && (current is null || current.SeqNo != ifSeqNo || write.IfPrimaryTerm is not (null or 1)))
                {
                    write.Error = (409, "version_conflict_engine_exception",
                        $"[{id}]: version conflict, required seqNo [{ifSeqNo}], primary term [{write.IfPrimaryTerm ?? 0}]. "
                        + (current is null ? "but no document was found" : $"current document has seqNo [{current.SeqNo}] and primary term [1]"));
                }
                else
                {
                    switch (write.Action)
                    {
                        case "create" when current is not null:
                            write.Error = (409, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [{current.Version}])");
                            break;
                        case "delete":
                            write.Status = current is not null ? 200 : 404;
                            write.Result = current is not null ? "deleted" : "not_found";
                            write.Version = (current?.Version ?? 0) + 1;
                            write.SeqNo = target.NextSeqNo++;
                            write.Target = target;
                            write.Position = ++_sequence;

                            // Even a delete of nothing is a write to refresh (a tombstone in Elasticsearch).
                            target.Write(id!, null, write.Position);

                            break;
                        case "update":
                            write.Error = (400, "illegal_argument_exception", "the stand-in does not implement bulk update");
                            break;
                        default:
                            var indexed = target.Mapping.Index(write.SourceText!, id!, write.DynamicTemplates, target.DataStream is not null);
                            if (indexed.Error is { } refused)
                            {
                                Refuse(write, 400, refused);
                                break;
                            }

                            write.Version = (current?.Version ?? 0) + 1;
                            write.SeqNo = target.NextSeqNo++;
                            write.Target = target;
                            write.Position = ++_sequence;
                            target.Write(id!, new ElasticsearchStandInDocument(target.Name, id!, source, write.Position, write.Version)
                            {
                                SeqNo = write.SeqNo,
                                Fields = indexed.Fields,
                                Ignored = indexed.Ignored,
                            }, write.Position);
                            write.Status = current is not null ? 200 : 201;
                            write.Result = current is not null ? "updated" : "created";
                            break;
                    }
                }
            }

            _counters = write.Error switch
            {
                null when write.Status == 201 => _counters with { Created = _counters.Created + 1 },
                { Status: 409 } => _counters with { Conflicts = _counters.Conflicts + 1 },
                not null => _counters with { ItemErrors = _counters.ItemErrors + 1 },
                _ => _counters,
            };
        }
    }

    /// <summary>Records a refusal with its causes on a write.</summary>
    private static void Refuse(ElasticsearchStandInWrite write, int status, ElasticsearchStandInError error)
    {
        write.Error = (status, error.Type, error.Reason);
        write.CausedBy = error.CausedBy;
    }

    /// <summary>
    /// The members of a write's answer, as <c>DocWriteResponse</c> writes them (and, in a bulk
    /// item, <c>status</c> after them), or the item's error.
    /// </summary>
    private void WriteOutcome(Utf8JsonWriter w, ElasticsearchStandInWrite write, bool withStatus)
    {
        // A data stream answers with the backing index it wrote to.
        w.WriteString("_index", write.Target?.Name ?? write.Index);
        w.WriteString("_id", write.Id);
        if (write.Error is { } failure)
        {
            w.WriteNumber("status", failure.Status);
            w.WriteStartObject("error");
            w.WriteString("type", failure.Type);
            w.WriteString("reason", failure.Reason);
            if (write.CausedBy is { } cause)
            {
                w.WriteStartObject("caused_by");
                cause.WriteMembers(w);
                w.WriteEndObject();
            }

            // Document and security errors name no shard; shard-level failures do.
            if (failure.Type is not ("document_parsing_exception" or "strict_dynamic_mapping_exception" or "security_exception") && write.CausedBy is null)
            {
                w.WriteString("index_uuid", "c3RhbmRpbi1pbmRleA");
                w.WriteString("shard", "0");
                w.WriteString("index", write.Index);
            }

            w.WriteEndObject();
            return;
        }

        var replicas = write.Target?.ShardSettings.NumberOfReplicas ?? 1;
        w.WriteNumber("_version", write.Version);
        w.WriteString("result", write.Result);
        if (write.ForcedRefresh)
        {
            w.WriteBoolean("forced_refresh", true);
        }

        w.WriteStartObject("_shards");
        w.WriteNumber("total", 1 + replicas);
        w.WriteNumber("successful", 1);
        w.WriteNumber("failed", 0);
        w.WriteEndObject();
        w.WriteNumber("_seq_no", write.SeqNo);
        w.WriteNumber("_primary_term", 1);
        if (withStatus)
        {
            w.WriteNumber("status", write.Status);
        }
    }

    private static string? DuplicateMember(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!names.Add(member.Name))
                    {
                        return member.Name;
                    }

                    if (DuplicateMember(member.Value) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (DuplicateMember(item) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? InvalidIndexName(string name)
    {
        if (name.Length == 0 || name is "." or "..")
        {
            return "must not be empty, '.' or '..'";
        }

        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "must be lowercase";
        }

        if (name[0] is '_' or '-' or '+')
        {
            return "must not start with '_', '-', or '+'";
        }

        return name.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0
            ? "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?, #, :]"
            : null;
    }

    // Top-level keys of a search body (SearchSourceBuilder): the stand-in runs the first group,
    // refuses the second by name rather than ignore what would change the answer.
    private static readonly HashSet<string> SearchKeysServed =
        ["query", "from", "size", "sort", "search_after", "track_total_hits", "timeout", "version", "seq_no_primary_term"];

    private static readonly HashSet<string> SearchKeysNotServed =
    [
        "aggs", "aggregations", "post_filter", "_source", "fields", "docvalue_fields", "stored_fields", "script_fields",
        "highlight", "suggest", "rescore", "collapse", "min_score", "terminate_after", "explain",
        "track_scores", "indices_boost", "profile", "stats", "ext", "slice", "pit", "knn", "retriever", "rank", "runtime_mappings",
        "sub_searches",
    ];

    // URL parameters of a search that would change the answer and that the stand-in does not run.
    private static readonly string[] SearchParametersNotServed =
    [
        "q", "df", "analyzer", "default_operator", "lenient", "filter_path", "_source", "_source_includes", "_source_excludes",
        "stored_fields", "docvalue_fields", "explain", "min_score", "scroll",
    ];

    private void Search(string target, IQueryCollection query, byte[] body, Answer answer)
    {
        Count(c => c with { Searches = c.Searches + 1 });
        using var document = body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(body);
        var request = document.RootElement;
        if (request.ValueKind != JsonValueKind.Object)
        {
            answer.Error(400, "parsing_exception", $"Expected [START_OBJECT] but found [{TokenName(request)}]", ("line", "1"), ("col", "1"));
            return;
        }

        foreach (var member in request.EnumerateObject())
        {
            if (SearchKeysNotServed.Contains(member.Name))
            {
                answer.Error(400, "illegal_argument_exception", $"the stand-in does not implement [{member.Name}] in a search");
                return;
            }

            if (!SearchKeysServed.Contains(member.Name))
            {
                answer.Error(400, "parsing_exception", $"Unknown key for a {TokenName(member.Value)} in [{member.Name}].", ("line", "1"), ("col", "1"));
                return;
            }
        }

        if (query["search_type"].ToString() is { Length: > 0 } searchType && searchType is not ("query_then_fetch" or "dfs_query_then_fetch"))
        {
            answer.Error(400, "illegal_argument_exception", $"No search type for [{searchType}]");
            return;
        }

        if (SearchParametersNotServed.FirstOrDefault(query.ContainsKey) is { } notServed)
        {
            answer.Error(400, "illegal_argument_exception", $"the stand-in does not implement the [{notServed}] parameter of a search");
            return;
        }

        if (query.TryGetValue("terminate_after", out var terminateAfter))
        {
            answer.Error(400, "illegal_argument_exception", int.Parse(terminateAfter.ToString(), CultureInfo.InvariantCulture) < 0
                ? "terminateAfter must be > 0"
                : "the stand-in does not implement terminate_after");
            return;
        }

        // URL parameters override the body, as RestSearchAction applies them after parsing it.
        var from = request.TryGetProperty("from", out var f) ? f.GetInt32() : 0;
        var size = request.TryGetProperty("size", out var s) ? s.GetInt32() : 10;
        if (query.TryGetValue("from", out var fromParameter))
        {
            from = int.Parse(fromParameter.ToString(), CultureInfo.InvariantCulture);
        }

        if (query.TryGetValue("size", out var sizeParameter))
        {
            // size=-1 on the URL is deprecated and means the default.
            size = int.Parse(sizeParameter.ToString(), CultureInfo.InvariantCulture) is var asked and not -1 ? asked : 10;
        }

        if (from < 0)
        {
            answer.Error(400, "illegal_argument_exception", $"[from] parameter cannot be negative but was [{from}]");
            return;
        }

        if (size < 0)
        {
            answer.Error(400, "illegal_argument_exception", $"[size] parameter cannot be negative, found [{size}]");
            return;
        }

        // track_total_hits: null when not given (10,000), int.MaxValue when exact, -1 when off.
        int? trackTotal = request.TryGetProperty("track_total_hits", out var t)
            ? t.ValueKind switch { JsonValueKind.True => int.MaxValue, JsonValueKind.False => -1, _ => t.GetInt32() }
            : null;
        if (query.TryGetValue("track_total_hits", out var trackParameter))
        {
            trackTotal = trackParameter.ToString() switch
            {
                "true" => int.MaxValue,
                "false" => -1,
                var number => int.Parse(number, CultureInfo.InvariantCulture),
            };
        }

        if (trackTotal < -1)
        {
            answer.Error(400, "illegal_argument_exception", $"[track_total_hits] parameter must be positive or equals to -1, got {trackTotal}");
            return;
        }

        var totalAsInt = query["rest_total_hits_as_int"].ToString() == "true";
        if (totalAsInt && trackTotal is { } upTo && upTo != int.MaxValue && upTo != -1)
        {
            answer.Error(400, "illegal_argument_exception", $"[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got {upTo}");
            return;
        }

        var trackTotalUpTo = trackTotal ?? (totalAsInt ? int.MaxValue : 10_000);
        var sort = SortKeys(request, query);
        var searchAfter = request.TryGetProperty("search_after", out var after) ? after.EnumerateArray().ToList() : null;
        if (searchAfter is not null)
        {
            var reason = from > 0 ? "[from] parameter must be set to 0 when [search_after] is used"
                : sort.Count == 0 ? "Sort must contain at least one field."
                : searchAfter.Count != sort.Count ? $"search_after has {searchAfter.Count} value(s) but sort has {sort.Count}."
                : null;
            if (reason is not null)
            {
                answer.Error(400, from > 0 ? "action_request_validation_exception" : "illegal_argument_exception",
                    from > 0 ? $"Validation Failed: 1: {reason};" : reason);
                return;
            }
        }

        var withVersion = Flag(request, query, "version");
        var withSeqNo = Flag(request, query, "seq_no_primary_term");
        var queryClause = request.TryGetProperty("query", out var q) ? q : JsonDocument.Parse("""{"match_all":{}}""").RootElement;
        var ignoreUnavailable = query["ignore_unavailable"].ToString() == "true";
        var allowNoIndices = query["allow_no_indices"].ToString() != "false";

        List<ElasticsearchStandInIndex>? indices;
        var failures = new List<(ElasticsearchStandInIndex Index, string Type, string Reason)>();
        List<ElasticsearchStandInDocument> matches = [];
        lock (_gate)
        {
            indices = SearchTargets(target, ignoreUnavailable, allowNoIndices, out var missing);
            if (indices is null)
            {
                answer.IndexNotFound(missing!);
                return;
            }

            // Search reads what the last refresh made visible, after the refresh a search-idle index skipped.
            EnsureSearchActive(indices);
            foreach (var index in indices)
            {
                if (ShardFailure(index, from, size, sort) is { } failure)
                {
                    failures.Add((index, failure.Type, failure.Reason));
                    continue;
                }

                foreach (var doc in index.Searchable.Values)
                {
                    if (ElasticsearchStandInQuery.Matches(queryClause, doc, index))
                    {
                        matches.Add(doc);
                    }
                }
            }
        }

        var shards = indices.Sum(i => i.ShardSettings.NumberOfShards);
        if (shards > 0 && failures.Count == indices.Count)
        {
            answer.SearchPhaseFailure(failures.Select(x => (x.Index.Name, x.Type, x.Reason)).ToList());
            return;
        }

        var searched = indices.Where(i => failures.All(x => x.Index != i)).ToList();
        matches.Sort((a, b) => CompareForSort(a, b, sort, searched));
        var total = matches.Count;
        var page = (searchAfter is null ? matches : matches.Where(d => IsAfter(d, searchAfter, sort, searched.First(i => i.Name == d.Index))))
            .Skip(from).Take(size).ToList();
        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("took", 1);
            w.WriteBoolean("timed_out", false);
            WriteSearchShards(w, indices, failures.Select(x => (x.Index, x.Type, x.Reason)).ToList());
            w.WriteStartObject("hits");
            if (totalAsInt)
            {
                w.WriteNumber("total", trackTotalUpTo == -1 ? -1 : total);
            }
            else if (trackTotalUpTo >= 0)
            {
                w.WriteStartObject("total");
                w.WriteNumber("value", Math.Min(total, trackTotalUpTo));
                w.WriteString("relation", total > trackTotalUpTo ? "gte" : "eq");
                w.WriteEndObject();
            }

            w.WriteNull("max_score");
            w.WriteStartArray("hits");
            foreach (var hit in page)
            {
                w.WriteStartObject();
                w.WriteString("_index", hit.Index);
                w.WriteString("_id", hit.Id);
                if (withVersion)
                {
                    w.WriteNumber("_version", hit.Version);
                }

                if (withSeqNo)
                {
                    w.WriteNumber("_seq_no", hit.SeqNo);
                    w.WriteNumber("_primary_term", 1);
                }

                w.WriteNull("_score");
                if (hit.Ignored.Count > 0)
                {
                    w.WriteStartArray("_ignored");
                    foreach (var ignored in hit.Ignored)
                    {
                        w.WriteStringValue(ignored);
                    }

                    w.WriteEndArray();
                }

                w.WritePropertyName("_source");
                hit.Source.WriteTo(w);
                if (sort.Count > 0)
                {
                    w.WriteStartArray("sort");
                    foreach (var key in sort)
                    {
                        WriteSortValue(w, hit, key, searched.First(i => i.Name == hit.Index));
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static bool Flag(JsonElement request, IQueryCollection query, string name) =>
        query.TryGetValue(name, out var parameter) ? parameter.ToString() is "" or "true"
        : request.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>
    /// Whether a hit sorts strictly after the <c>search_after</c> values (a hit equal on every
    /// key is not after them, as Elasticsearch's <c>FieldDoc</c> with the highest doc id says).
    /// </summary>
    private static bool IsAfter(ElasticsearchStandInDocument hit, List<JsonElement> after, List<SortKey> sort, ElasticsearchStandInIndex index)
    {
        for (var i = 0; i < sort.Count; i++)
        {
            var key = sort[i];
            if (key.Field is "_doc" or "_score")
            {
                continue;
            }

            var mine = SortValue(hit, key, index);
            var theirs = SearchAfterValue(after[i], key, index);
            var comparison = (mine, theirs) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => key.Descending ? Compare(theirs, mine) : Compare(mine, theirs),
            };
            if (comparison != 0)
            {
                return comparison > 0;
            }
        }

        return false;
    }

    /// <summary>A <c>search_after</c> value in the form <see cref="SortValue"/> gives (a date in milliseconds, or nanoseconds with <c>numeric_type: date_nanos</c>, or as text).</summary>
    private static IComparable? SearchAfterValue(JsonElement value, SortKey key, ElasticsearchStandInIndex index)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        switch (index.Mapping.TypeOf(key.Field))
        {
            case ElasticsearchStandInFieldType.Date when value.ValueKind == JsonValueKind.Number:
                var number = value.GetInt64();
                return key.NumericType == "date_nanos" ? number : number * 1_000_000;
            case ElasticsearchStandInFieldType.Date:
                return ElasticsearchStandInDates.TrySpan(text, out var nanos, out _) ? nanos : null;
            case ElasticsearchStandInFieldType.Number:
                return ElasticsearchStandInText.TryParseNumber(text, out var parsed) ? parsed : null;
            default:
                return value.ValueKind == JsonValueKind.Null ? null : text;
        }
    }

    /// <summary>Compares sort values; values of different kinds (a field mapped differently in two indices) compare as text.</summary>
    private static int Compare(IComparable a, IComparable b) =>
        a.GetType() == b.GetType()
            ? a.CompareTo(b)
            : string.CompareOrdinal(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture));

    /// <summary>
    /// <c>GET|POST /_count</c>, <c>/{index}/_count</c>: the documents a search would match, as
    /// of the last refresh.
    /// </summary>
    private void CountDocuments(string target, IQueryCollection query, byte[] body, Answer answer)
    {
        Count(c => c with { Searches = c.Searches + 1 });
        using var document = body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(body);
        var request = document.RootElement;
        foreach (var member in request.EnumerateObject())
        {
            if (member.Name != "query")
            {
                answer.Error(400, "parsing_exception", $"request does not support [{member.Name}]", ("line", "1"), ("col", "1"));
                return;
            }
        }

        var queryClause = request.TryGetProperty("query", out var q) ? q : JsonDocument.Parse("""{"match_all":{}}""").RootElement;
        var ignoreUnavailable = query["ignore_unavailable"].ToString() == "true";
        var allowNoIndices = query["allow_no_indices"].ToString() != "false";
        List<ElasticsearchStandInIndex>? indices;
        var count = 0;
        lock (_gate)
        {
            indices = SearchTargets(target, ignoreUnavailable, allowNoIndices, out var missing);
            if (indices is null)
            {
                answer.IndexNotFound(missing!);
                return;
            }

            EnsureSearchActive(indices);
            count = indices.Sum(index => index.Searchable.Values.Count(doc => ElasticsearchStandInQuery.Matches(queryClause, doc, index)));
        }

        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", count);
            WriteSearchShards(w, indices, []);
            w.WriteEndObject();
        });
    }

    private static void WriteSearchShards(Utf8JsonWriter w, List<ElasticsearchStandInIndex> indices, List<(ElasticsearchStandInIndex Index, string Type, string Reason)> failures)
    {
        var total = indices.Sum(i => i.ShardSettings.NumberOfShards);
        var failed = failures.Sum(x => x.Index.ShardSettings.NumberOfShards);
        w.WriteStartObject("_shards");
        w.WriteNumber("total", total);
        w.WriteNumber("successful", total - failed);
        w.WriteNumber("skipped", 0);
        w.WriteNumber("failed", failed);
        if (failures.Count > 0)
        {
            w.WriteStartArray("failures");
            foreach (var (index, type, reason) in failures)
            {
                w.WriteStartObject();
                w.WriteNumber("shard", 0);
                w.WriteString("index", index.Name);
                w.WriteString("node", "c3RhbmRpbi1ub2RlLTA");
                w.WriteStartObject("reason");
                w.WriteString("type", type);
                w.WriteString("reason", reason);
                w.WriteString("index_uuid", "c3RhbmRpbi1pbmRleA");
                w.WriteString("index", index.Name);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>What makes a shard refuse a search (Elasticsearch checks these on each shard, so they come back as shard failures).</summary>
    private static (string Type, string Reason)? ShardFailure(ElasticsearchStandInIndex index, int from, int size, List<SortKey> sort)
    {
        var window = index.ShardSettings.MaxResultWindow;
        if (from + size > window)
        {
            return ("illegal_argument_exception",
                $"Result window is too large, from + size must be less than or equal to: [{window}] but was [{from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.");
        }

        foreach (var key in sort)
        {
            if (key.Field is "_doc" or "_score")
            {
                continue;
            }

            var type = index.Mapping.TypeOf(key.Field);
            if (type == ElasticsearchStandInFieldType.Unmapped && key.UnmappedType is null)
            {
                return ("query_shard_exception", $"No mapping found for [{key.Field}] in order to sort on");
            }

            if (type == ElasticsearchStandInFieldType.Text)
            {
                return ("illegal_argument_exception",
                    $"Fielddata is disabled on [{key.Field}] in [{index.Name}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{key.Field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.");
            }
        }

        return null;
    }

    /// <summary>One sort key of a search: its field, order, and the options the stand-in acts on.</summary>
    private sealed record SortKey(string Field, bool Descending, string? UnmappedType, string? NumericType);

    /// <summary>The body's <c>sort</c> (a name, <c>{name: order}</c>, <c>{name: {order, unmapped_type, numeric_type}}</c>, or a list of them), or the URL's <c>sort=name:order,…</c>.</summary>
    private static List<SortKey> SortKeys(JsonElement request, IQueryCollection query)
    {
        var keys = new List<SortKey>();
        if (query.TryGetValue("sort", out var parameter))
        {
            foreach (var entry in parameter.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = entry.LastIndexOf(':');
                keys.Add(colon < 0 ? new SortKey(entry, false, null, null) : new SortKey(entry[..colon], entry[(colon + 1)..] == "desc", null, null));
            }

            return keys;
        }

        if (!request.TryGetProperty("sort", out var sort))
        {
            return keys;
        }

        foreach (var entry in sort.ValueKind == JsonValueKind.Array ? sort.EnumerateArray() : (IEnumerable<JsonElement>)[sort])
        {
            if (entry.ValueKind == JsonValueKind.String)
            {
                // _score sorts best first unless told otherwise; fields ascending.
                keys.Add(new SortKey(entry.GetString()!, entry.GetString() == "_score", null, null));
                continue;
            }

            foreach (var member in entry.EnumerateObject())
            {
                var options = member.Value;
                var order = options.ValueKind == JsonValueKind.String ? options.GetString()
                    : options.TryGetProperty("order", out var o) ? o.GetString()
                    : member.Name == "_score" ? "desc" : "asc";
                string? Option(string name) =>
                    options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var value) ? value.GetString() : null;
                keys.Add(new SortKey(member.Name, order == "desc", Option("unmapped_type"), Option("numeric_type")));
            }
        }

        return keys;
    }

    private static int CompareForSort(ElasticsearchStandInDocument a, ElasticsearchStandInDocument b, List<SortKey> sort, List<ElasticsearchStandInIndex> indices)
    {
        foreach (var key in sort)
        {
            if (key.Field == "_doc")
            {
                var byOrder = a.Sequence.CompareTo(b.Sequence);
                if (byOrder != 0)
                {
                    return key.Descending ? -byOrder : byOrder;
                }

                continue;
            }

            if (key.Field == "_score")
            {
                // The stand-in does not score: every hit ties.
                continue;
            }

            var ka = SortValue(a, key, indices.First(i => i.Name == a.Index));
            var kb = SortValue(b, key, indices.First(i => i.Name == b.Index));

            // Documents without the field sort last either way (missing: _last).
            var comparison = (ka, kb) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => key.Descending ? Compare(kb, ka) : Compare(ka, kb),
            };
            if (comparison != 0)
            {
                return comparison;
            }
        }

        // Ties keep index order, as the shard doc order breaks them in Elasticsearch.
        return a.Sequence.CompareTo(b.Sequence);
    }

    /// <summary>
    /// A document's value for a sort key: nanoseconds for a date, a double for a number, the
    /// text otherwise; of several values the least ascending and the greatest descending
    /// (Elasticsearch's default sort mode).
    /// </summary>
    private static IComparable? SortValue(ElasticsearchStandInDocument document, SortKey key, ElasticsearchStandInIndex index)
    {
        IEnumerable<IComparable> values = index.Mapping.TypeOf(key.Field) switch
        {
            ElasticsearchStandInFieldType.Date => ElasticsearchStandInQuery.Times(document, key.Field).Select(t => (IComparable)t),
            ElasticsearchStandInFieldType.Number => ElasticsearchStandInQuery.Values(document, key.Field)
                .Select(v => ElasticsearchStandInText.TryParseNumber(v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(), out var n) ? (IComparable?)n : null)
                .Where(n => n is not null).Select(n => n!),
            _ => ElasticsearchStandInQuery.Values(document, key.Field)
                .Select(v => (IComparable)(v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())),
        };
        var list = values.ToList();
        return list.Count == 0 ? null : key.Descending ? list.Max() : list.Min();
    }

    /// <summary>
    /// A hit's <c>sort</c> value as Elasticsearch renders it: milliseconds for a date (nanoseconds
    /// with <c>numeric_type: date_nanos</c>), the number, the text, and for a missing number or
    /// date the long's extreme that sorts it last.
    /// </summary>
    private static void WriteSortValue(Utf8JsonWriter w, ElasticsearchStandInDocument hit, SortKey key, ElasticsearchStandInIndex index)
    {
        if (key.Field == "_doc")
        {
            w.WriteNumberValue(hit.Sequence);
            return;
        }

        if (key.Field == "_score")
        {
            w.WriteNullValue();
            return;
        }

        var type = index.Mapping.TypeOf(key.Field);
        switch (SortValue(hit, key, index))
        {
            case long nanos when type == ElasticsearchStandInFieldType.Date:
                w.WriteNumberValue(key.NumericType == "date_nanos" ? nanos : Math.DivRem(nanos, 1_000_000, out var remainder) - (remainder < 0 ? 1 : 0));
                break;
            case double number when number == Math.Floor(number) && Math.Abs(number) < 1e15:
                w.WriteNumberValue((long)number);
                break;
            case double number:
                w.WriteNumberValue(number);
                break;
            case string text:
                w.WriteStringValue(text);
                break;
            default:
                if (type is ElasticsearchStandInFieldType.Date or ElasticsearchStandInFieldType.Number
                    || key.UnmappedType is "long" or "date" or "date_nanos" or "integer" or "double")
                {
                    w.WriteNumberValue(key.Descending ? long.MinValue : long.MaxValue);
                }
                else
                {
                    w.WriteNullValue();
                }

                break;
        }
    }

    /// <summary>An answer being built: status and JSON body.</summary>
    private sealed class Answer
    {
        public int Status { get; private set; } = 200;

        public byte[]? Body { get; private set; }

        public void Json(int status, Action<Utf8JsonWriter> write)
        {
            var buffer = new MemoryStream();

            // Elasticsearch (Jackson) escapes only what JSON requires: '+', '<', '\'' stay as they are.
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                write(writer);
            }

            Status = status;
            Body = buffer.ToArray();
        }

        /// <summary>What must happen before the answer is sent (a <c>refresh=wait_for</c> write waits for its refresh).</summary>
        public Task? Wait { get; private set; }

        public void WaitBeforeAnswering(Task? wait) => Wait = wait;

        /// <summary>Elasticsearch's error body; <paramref name="details"/> are the exception's metadata (<c>index</c>, <c>index_uuid</c>…), shown in the root cause too.</summary>
        public void Error(int status, string type, string reason, params (string Name, string Value)[] details) => Json(status, w =>
        {
            void Cause()
            {
                w.WriteString("type", type);
                w.WriteString("reason", reason);
                foreach (var (name, value) in details)
                {
                    w.WriteString(name, value);
                }
            }

            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteStartArray("root_cause");
            w.WriteStartObject();
            Cause();
            w.WriteEndObject();
            w.WriteEndArray();
            Cause();
            w.WriteEndObject();
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

        /// <summary>An error with its chain of causes; the root cause is what Elasticsearch reports as one.</summary>
        public void Error(int status, ElasticsearchStandInError error) => Json(status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteStartArray("root_cause");
            w.WriteStartObject();
            var root = error.RootCause;
            w.WriteString("type", root.Type);
            w.WriteString("reason", root.Reason);
            w.WriteEndObject();
            w.WriteEndArray();
            error.WriteMembers(w);
            w.WriteEndObject();
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

        /// <summary>404 <c>index_not_found_exception</c> as Elasticsearch shapes it.</summary>
        public void IndexNotFound(string index) => Error(404, "index_not_found_exception", $"no such index [{index}]",
            ("resource.type", "index_or_alias"), ("resource.id", index), ("index_uuid", "_na_"), ("index", index));

        /// <summary>
        /// Every shard refused the search: <c>search_phase_execution_exception</c> "all shards
        /// failed", with the shards' reasons, answered with the status of their cause (400 for
        /// those the stand-in produces).
        /// </summary>
        public void SearchPhaseFailure(IReadOnlyList<(string Index, string Type, string Reason)> failures) => Json(400, w =>
        {
            var (_, firstType, firstReason) = failures[0];
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteStartArray("root_cause");
            foreach (var (index, type, reason) in failures.DistinctBy(x => (x.Type, x.Reason)))
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("reason", reason);
                w.WriteString("index_uuid", "c3RhbmRpbi1pbmRleA");
                w.WriteString("index", index);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("type", "search_phase_execution_exception");
            w.WriteString("reason", "all shards failed");
            w.WriteString("phase", "query");
            w.WriteBoolean("grouped", true);
            w.WriteStartArray("failed_shards");
            foreach (var (index, type, reason) in failures)
            {
                w.WriteStartObject();
                w.WriteNumber("shard", 0);
                w.WriteString("index", index);
                w.WriteString("node", "c3RhbmRpbi1ub2RlLTA");
                w.WriteStartObject("reason");
                w.WriteString("type", type);
                w.WriteString("reason", reason);
                w.WriteString("index_uuid", "c3RhbmRpbi1pbmRleA");
                w.WriteString("index", index);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("caused_by");
            w.WriteString("type", firstType);
            w.WriteString("reason", firstReason);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNumber("status", 400);
            w.WriteEndObject();
        });
    }
}
