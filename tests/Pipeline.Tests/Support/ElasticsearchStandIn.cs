using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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
/// 201/409 and Elasticsearch-shaped per-item errors), <c>PUT /_index_template/{name}</c> and
/// <c>/{indices}/_search</c> (the query DSL subset of <see cref="ElasticsearchStandInQuery"/>, sort,
/// from/size, track_total_hits). Every answer carries <c>X-Elastic-Product: Elasticsearch</c>
/// (see <see cref="SendProductHeader"/>), which the client checks.
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
/// <see cref="RejectDocuments"/> (chosen documents refused with a 400 document parsing error).
/// What it received is in <see cref="Counters"/>, <see cref="Requests"/> and the stored documents.
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
    private WebApplication? _app;
    private CancellationTokenSource _stopping = new();
    private long _sequence;
    private ElasticsearchStandInCounters _counters = new();
    private string? _requiredAuthorization;

    private ElasticsearchStandIn(X509Certificate2? certificate)
    {
        _certificate = certificate;
    }

    /// <summary>Starts a stand-in on a free port of 127.0.0.1; with a certificate it speaks HTTPS.</summary>
    public static async Task<ElasticsearchStandIn> StartAsync(X509Certificate2? certificate = null)
    {
        var standIn = new ElasticsearchStandIn(certificate);
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

    /// <summary>Every stored document in order of arrival, optionally of one index only.</summary>
    public IReadOnlyList<ElasticsearchStandInDocument> Documents(string? index = null)
    {
        lock (_gate)
        {
            return [.. _indices.Values.Where(i => index is null || i.Name == index || i.DataStream == index)
                .SelectMany(i => i.Documents.Values).OrderBy(d => d.Sequence)];
        }
    }

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
        var app = _app;
        if (app is null)
        {
            return;
        }

        _app = null;
        await _stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        var placeholder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        placeholder.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        placeholder.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _portHolder = placeholder;
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
        await StopListeningAsync();
        _portHolder?.Dispose();
        _stopping.Dispose();
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
                return Bulk(null, body, answer, query);
            case [var index, "_bulk"] when method is "POST" or "PUT":
                return Bulk(index, body, answer, query);
            case ["_index_template", var name] when method is "PUT" or "POST":
                PutTemplate(name, body, query, answer);
                return [];
            case [var index] when method is "PUT" && !index.StartsWith('_'):
                CreateIndexRequest(index, body, answer);
                return [];
            case [var target, "_search"] when method is "GET" or "POST":
                Search(target, query, body, answer);
                return [];
            case ["_search"] when method is "GET" or "POST":
                Search("_all", query, body, answer);
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

    private IReadOnlyList<string?> Bulk(string? pathIndex, byte[] body, Answer answer, IQueryCollection query)
    {
        Count(c => c with { BulkRequests = c.BulkRequests + 1 });
        if (body.Length == 0)
        {
            answer.Error(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;");
            return [];
        }

        if (body[^1] != (byte)'\n')
        {
            answer.Error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
            return [];
        }

        // Parse every line first: a malformed action line fails the whole request, as in Elasticsearch.
        var lines = Encoding.UTF8.GetString(body).Split('\n');
        var actions = new List<(string Action, string? Index, string? Id, string? Source, JsonElement Meta)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            using var actionLine = JsonDocument.Parse(line);
            var root = actionLine.RootElement;
            if (root.ValueKind == JsonValueKind.Object && !root.EnumerateObject().Any())
            {
                answer.Error(400, "illegal_argument_exception", $"Malformed action/metadata line [{i + 1}], expected FIELD_NAME but found [END_OBJECT]");
                return [];
            }

            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
            {
                answer.Error(400, "illegal_argument_exception", $"Malformed action/metadata line [{i + 1}], expected START_OBJECT or END_OBJECT but found [{root.ValueKind}]");
                return [];
            }

            var action = root.EnumerateObject().First();
            if (action.Name is not ("create" or "index" or "delete" or "update"))
            {
                answer.Error(400, "illegal_argument_exception", $"Malformed action/metadata line [{i + 1}], expected field [create, delete, index, update] but found [{action.Name}]");
                return [];
            }

            var index = action.Value.TryGetProperty("_index", out var ix) ? ix.GetString() : pathIndex;
            var id = action.Value.TryGetProperty("_id", out var idValue) ? idValue.GetString() : null;
            string? source = null;
            if (action.Name != "delete")
            {
                if (++i >= lines.Length || lines[i].Length == 0)
                {
                    answer.Error(400, "illegal_argument_exception", $"The bulk request must be terminated by a newline [\\n]");
                    return [];
                }

                source = lines[i].TrimEnd('\r');
            }

            if (index is null)
            {
                answer.Error(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;");
                return [];
            }

            actions.Add((action.Name, index, id, source, action.Value.Clone()));
        }

        // The bulk request as a whole needs a write privilege on some index; each item is checked again.
        Authorize("indices:data/write/bulk");
        var requireAlias = query["require_alias"].ToString() == "true";

        var anyError = false;
        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("errors", false);
            w.WriteNumber("took", 1);
            w.WriteStartArray("items");
            foreach (var item in actions)
            {
                anyError |= !WriteItem(w, item.Action, item.Index!, item.Id, item.Source, item.Meta, requireAlias);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        if (anyError)
        {
            // The flag comes before the items in Elasticsearch's answer; patch it in place.
            answer.SetErrorsFlag();
        }

        return [.. actions.Select(a => a.Id)];
    }

    private bool WriteItem(Utf8JsonWriter w, string action, string index, string? id, string? sourceText, JsonElement meta, bool requireAlias)
    {
        Count(c => c with { BulkItems = c.BulkItems + 1 });
        JsonElement source = default;
        (int Status, ElasticsearchStandInError Error)? error = null;
        if (sourceText is not null)
        {
            try
            {
                using var parsed = JsonDocument.Parse(sourceText);
                source = parsed.RootElement.Clone();
                if (source.ValueKind != JsonValueKind.Object)
                {
                    error = (400, new ElasticsearchStandInError("document_parsing_exception", "[1:1] failed to parse: the document is not a JSON object"));
                }
                else if (DuplicateMember(source) is { } duplicate)
                {
                    error = (400, new ElasticsearchStandInError("document_parsing_exception", $"[1:2] failed to parse: Duplicate field '{duplicate}'"));
                }
            }
            catch (JsonException e)
            {
                error = (400, new ElasticsearchStandInError("document_parsing_exception", $"[1:1] failed to parse: {e.Message}"));
            }
        }

        // An index action with op_type create is a create, answered under "create".
        if (action == "index" && meta.TryGetProperty("op_type", out var opType) && opType.GetString() == "create")
        {
            action = "create";
        }

        if (error is null && id is { Length: 0 })
        {
            error = (400, new ElasticsearchStandInError("illegal_argument_exception", "if _id is specified it must not be empty"));
        }

        id ??= action is "index" or "create" ? Guid.NewGuid().ToString("N")[..20] : null;
        var status = 0;
        var version = 0;
        var result = "";
        long sequence = 0;
        var answeredIndex = index;
        lock (_gate)
        {
            if (error is null && InvalidIndexName(index) is { } invalid)
            {
                error = (400, new ElasticsearchStandInError("invalid_index_name_exception", $"Invalid index name [{index}], {invalid}"));
            }

            if (error is null)
            {
                var item = new ElasticsearchStandInBulkItem(action, index, id, source);
                foreach (var fault in _itemFaults)
                {
                    if (fault.Remaining > 0 && fault.Match(item))
                    {
                        if (fault.Remaining != int.MaxValue)
                        {
                            fault.Remaining--;
                        }

                        error = (fault.Status, new ElasticsearchStandInError(fault.ErrorType, fault.Reason(item)));
                        break;
                    }
                }
            }

            ElasticsearchStandInIndex? target = null;
            if (error is null)
            {
                // An item's require_alias overrides the request's.
                var itemRequiresAlias = meta.TryGetProperty("require_alias", out var alias) ? alias.ValueKind == JsonValueKind.True : requireAlias;
                var (found, failureStatus, failure) = WriteTarget(index, itemRequiresAlias);
                target = found;
                if (failure is not null)
                {
                    error = (failureStatus, failure);
                }
                else if (target!.DataStream is not null && action != "create")
                {
                    error = (400, new ElasticsearchStandInError("illegal_argument_exception", "only write ops with an op_type of create are allowed in data streams"));
                }
                else if (BulkItemDenial(action, target.DataStream ?? target.Name) is { } denial)
                {
                    error = (403, denial);
                }
                else
                {
                    answeredIndex = target.Name;
                }
            }

            if (error is null)
            {
                var exists = id is not null && target!.Documents.TryGetValue(id, out _);
                switch (action)
                {
                    case "create" when exists:
                        version = target!.Documents[id!].Version;
                        error = (409, new ElasticsearchStandInError("version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [{version}])"));
                        break;
                    case "delete":
                        status = exists ? 200 : 404;
                        result = exists ? "deleted" : "not_found";
                        if (exists)
                        {
                            target!.Documents.Remove(id!);
                        }

                        break;
                    case "update":
                        error = (400, new ElasticsearchStandInError("illegal_argument_exception", "the stand-in does not implement bulk update"));
                        break;
                    default:
                        var indexed = target!.Mapping.Index(sourceText!, id!, DynamicTemplates(meta), target.DataStream is not null);
                        if (indexed.Error is { } refused)
                        {
                            error = (400, refused);
                            break;
                        }

                        version = exists ? target.Documents[id!].Version + 1 : 1;
                        sequence = ++_sequence;
                        target.Documents[id!] = new ElasticsearchStandInDocument(target.Name, id!, source, sequence, version)
                        {
                            Fields = indexed.Fields,
                            Ignored = indexed.Ignored,
                        };
                        status = exists ? 200 : 201;
                        result = exists ? "updated" : "created";
                        break;
                }
            }

            _counters = error switch
            {
                null when status == 201 => _counters with { Created = _counters.Created + 1 },
                { Status: 409 } => _counters with { Conflicts = _counters.Conflicts + 1 },
                not null => _counters with { ItemErrors = _counters.ItemErrors + 1 },
                _ => _counters,
            };
        }

        w.WriteStartObject();
        w.WriteStartObject(action);
        w.WriteString("_index", answeredIndex);
        w.WriteString("_id", id);
        if (error is { } failed)
        {
            w.WriteNumber("status", failed.Status);
            w.WriteStartObject("error");
            failed.Error.WriteMembers(w);
            WriteErrorIndex(w, failed.Error.Type, answeredIndex);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNumber("_version", version);
            w.WriteString("result", result);
            w.WriteStartObject("_shards");
            w.WriteNumber("total", 2);
            w.WriteNumber("successful", 1);
            w.WriteNumber("failed", 0);
            w.WriteEndObject();
            w.WriteNumber("_seq_no", sequence);
            w.WriteNumber("_primary_term", 1);
            w.WriteNumber("status", status);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        return error is null;
    }

    // Shard-level failures name their index and shard; document and security errors do not.
    private static void WriteErrorIndex(Utf8JsonWriter w, string type, string index)
    {
        switch (type)
        {
            case "document_parsing_exception" or "strict_dynamic_mapping_exception" or "illegal_argument_exception" or "security_exception"
                or "mapper_parsing_exception" or "invalid_index_name_exception":
                return;
            case "index_not_found_exception":
                w.WriteString("resource.type", "index_or_alias");
                w.WriteString("resource.id", index);
                w.WriteString("index_uuid", "_na_");
                w.WriteString("index", index);
                return;
            default:
                w.WriteString("index_uuid", "c3RhbmRpbi1pbmRleA");
                w.WriteString("shard", "0");
                w.WriteString("index", index);
                return;
        }
    }

    // The action line's dynamic_templates: field path → dynamic template name.
    private static Dictionary<string, string>? DynamicTemplates(JsonElement meta) =>
        meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("dynamic_templates", out var templates) && templates.ValueKind == JsonValueKind.Object
            ? templates.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString()!, StringComparer.Ordinal)
            : null;

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

    private void Search(string target, IQueryCollection query, byte[] body, Answer answer)
    {
        Count(c => c with { Searches = c.Searches + 1 });
        using var document = body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(body);
        var request = document.RootElement;
        var ignoreUnavailable = query["ignore_unavailable"].ToString() == "true";
        var allowNoIndices = query["allow_no_indices"].ToString() != "false";

        var indices = SearchTargets(target, ignoreUnavailable, allowNoIndices);

        var queryClause = request.TryGetProperty("query", out var q) ? q : JsonDocument.Parse("""{"match_all":{}}""").RootElement;
        var size = request.TryGetProperty("size", out var s) ? s.GetInt32() : 10;
        var from = request.TryGetProperty("from", out var f) ? f.GetInt32() : 0;
        if (from + size > 10_000)
        {
            answer.Error(400, "illegal_argument_exception",
                $"Result window is too large, from + size must be less than or equal to: [10000] but was [{from + size}]. See the scroll api for a more efficient way to request large data sets.");
            return;
        }

        List<ElasticsearchStandInDocument> matches = [];
        lock (_gate)
        {
            foreach (var index in indices)
            {
                foreach (var doc in index.Documents.Values)
                {
                    if (ElasticsearchStandInQuery.Matches(queryClause, doc, index))
                    {
                        matches.Add(doc);
                    }
                }
            }
        }

        var sort = SortKeys(request);
        matches.Sort((a, b) => CompareForSort(a, b, sort, indices));
        var total = matches.Count;
        var trackTotal = request.TryGetProperty("track_total_hits", out var t)
            ? t.ValueKind switch { JsonValueKind.True => int.MaxValue, JsonValueKind.False => -1, _ => t.GetInt32() }
            : 10_000;
        var page = matches.Skip(from).Take(size).ToList();
        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("took", 1);
            w.WriteBoolean("timed_out", false);
            w.WriteStartObject("_shards");
            w.WriteNumber("total", indices.Count);
            w.WriteNumber("successful", indices.Count);
            w.WriteNumber("skipped", 0);
            w.WriteNumber("failed", 0);
            w.WriteEndObject();
            w.WriteStartObject("hits");
            if (trackTotal >= 0)
            {
                w.WriteStartObject("total");
                w.WriteNumber("value", Math.Min(total, trackTotal));
                w.WriteString("relation", total > trackTotal ? "gte" : "eq");
                w.WriteEndObject();
            }

            w.WriteNull("max_score");
            w.WriteStartArray("hits");
            foreach (var hit in page)
            {
                w.WriteStartObject();
                w.WriteString("_index", hit.Index);
                w.WriteString("_id", hit.Id);
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
                    foreach (var (field, _) in sort)
                    {
                        WriteSortValue(w, hit, field);
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

    private static List<(string Field, bool Descending)> SortKeys(JsonElement request)
    {
        var keys = new List<(string, bool)>();
        if (!request.TryGetProperty("sort", out var sort))
        {
            return keys;
        }

        foreach (var entry in sort.ValueKind == JsonValueKind.Array ? sort.EnumerateArray() : (IEnumerable<JsonElement>)[sort])
        {
            if (entry.ValueKind == JsonValueKind.String)
            {
                keys.Add((entry.GetString()!, false));
                continue;
            }

            foreach (var member in entry.EnumerateObject())
            {
                var order = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()
                    : member.Value.TryGetProperty("order", out var o) ? o.GetString() : "asc";
                keys.Add((member.Name, order == "desc"));
            }
        }

        return keys;
    }

    private static int CompareForSort(ElasticsearchStandInDocument a, ElasticsearchStandInDocument b, List<(string Field, bool Descending)> sort, List<ElasticsearchStandInIndex> indices)
    {
        foreach (var (field, descending) in sort)
        {
            if (field == "_doc")
            {
                var byOrder = a.Sequence.CompareTo(b.Sequence);
                if (byOrder != 0)
                {
                    return descending ? -byOrder : byOrder;
                }

                continue;
            }

            var index = indices.First(i => i.Name == a.Index);
            var (ka, kb) = index.Mapping.TypeOf(field) == ElasticsearchStandInFieldType.Date
                ? ((IComparable?)ElasticsearchStandInQuery.Times(a, field).Cast<long?>().FirstOrDefault(), (IComparable?)ElasticsearchStandInQuery.Times(b, field).Cast<long?>().FirstOrDefault())
                : ((IComparable?)ElasticsearchStandInQuery.Values(a, field).Select(v => v.ToString()).FirstOrDefault(),
                    (IComparable?)ElasticsearchStandInQuery.Values(b, field).Select(v => v.ToString()).FirstOrDefault());

            // Documents without the field sort last either way.
            var comparison = (ka, kb) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => descending ? kb.CompareTo(ka) : ka.CompareTo(kb),
            };
            if (comparison != 0)
            {
                return comparison;
            }
        }

        // Ties keep index order, as the shard doc order breaks them in Elasticsearch.
        return a.Sequence.CompareTo(b.Sequence);
    }

    private static void WriteSortValue(Utf8JsonWriter w, ElasticsearchStandInDocument hit, string field)
    {
        if (field == "_doc")
        {
            w.WriteNumberValue(hit.Sequence);
        }
        else if (ElasticsearchStandInQuery.Times(hit, field).Cast<long?>().FirstOrDefault() is { } nanos && field == "@timestamp")
        {
            w.WriteNumberValue(nanos / 1_000_000);
        }
        else if (ElasticsearchStandInQuery.Values(hit, field).FirstOrDefault() is { ValueKind: not JsonValueKind.Undefined } value)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
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
            using (var writer = new Utf8JsonWriter(buffer))
            {
                write(writer);
            }

            Status = status;
            Body = buffer.ToArray();
        }

        public void Error(int status, string type, string reason) => Error(status, new ElasticsearchStandInError(type, reason));

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

        public void SetErrorsFlag()
        {
            var text = Encoding.UTF8.GetString(Body!);
            const string Off = "{\"errors\":false,";
            if (text.StartsWith(Off, StringComparison.Ordinal))
            {
                Body = Encoding.UTF8.GetBytes("{\"errors\":true," + text[Off.Length..]);
            }
        }
    }
}
