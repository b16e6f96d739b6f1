using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Telemetry;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Writes log records to Elasticsearch with the bulk API, into daily indices
/// <c>&lt;prefix&gt;-YYYY.MM.DD</c>, each record a <c>create</c> with its deterministic id as
/// <c>_id</c>. Per item: 201 stored; 409 already stored (a replay, counted as a duplicate); 429
/// and 5xx sent again alone with exponential backoff and jitter, and when they still fail the
/// write throws so the caller retries the whole batch (the 409s then absorb what was stored);
/// any other 4xx never succeeds on retry and goes to the dead-letter sink with its reason. A
/// request that fails whole (no connection, timeout, 401/403, 429 or 5xx for the request) throws
/// at once with what to do. On its first write the output checks it talks to Elasticsearch
/// (the client's product check) and installs its index templates.
/// </summary>
public sealed partial class ElasticsearchLogOutput : ILogOutput, IDisposable
{
    // The media types the client's typed bulk API sends (plain NDJSON in, plain JSON back).
    private static readonly RequestConfiguration BulkRequest = new() { ContentType = "application/x-ndjson", Accept = "application/json" };

    private static readonly JsonWriterOptions DeadLetterWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ElasticsearchLogOutputOptions _options;
    private readonly ElasticsearchClientSettings _settings;
    private readonly ElasticsearchClient _client;
    private readonly IDeadLetterSink _deadLetters;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ElasticsearchLogOutput> _logger;
    private readonly ElasticsearchIndexNames _indexNames = new();
    private readonly ConcurrentDictionary<string, byte[]> _tenantMembers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private volatile bool _started;

    public ElasticsearchLogOutput(
        ElasticsearchLogOutputOptions options,
        IDeadLetterSink deadLetters,
        PipelineMetrics metrics,
        TimeProvider time,
        ILogger<ElasticsearchLogOutput> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ElasticsearchLogOutputOptionsValidator.Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Elasticsearch output '{options.Name}': {string.Join("; ", problems)}", nameof(options));
        }

        _options = options;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _settings = ElasticsearchClientFactory.CreateSettings(options);
        _client = new ElasticsearchClient(_settings);
        if (!options.VerifyCertificates)
        {
            LogWarningCertificatesNotVerified(options.Name);
        }
    }

    public string Name => _options.Name;

    public async Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return default;
        }

        OutputResult result;
        try
        {
            result = await WriteRecordsAsync(records, cancellation).ConfigureAwait(false);
        }
        catch (ElasticsearchRequestException e) when (e.BlockReason is { } reason)
        {
            if (_metrics.OutputHealth.Block(Name, reason, e.Message, _time.GetUtcNow()))
            {
                LogErrorBlocked(Name, e.Message);
            }

            throw;
        }

        if (_metrics.OutputHealth.Unblock(Name))
        {
            LogInformationUnblocked(Name);
        }

        return result;
    }

    private async Task<OutputResult> WriteRecordsAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation)
    {
        await EnsureStartedAsync(cancellation).ConfigureAwait(false);
        using var body = Serialize(records);
        var outcome = new BulkOutcome();
        await SendAllAsync(body, null, outcome, cancellation).ConfigureAwait(false);

        for (var attempt = 1; outcome.Retry.Count > 0; attempt++)
        {
            var last = outcome.LastRetryError;
            if (attempt > _options.MaxRetries)
            {
                throw new ElasticsearchRequestException(
                    $"Elasticsearch output '{Name}': {outcome.Retry.Count} of {records.Count} records were still answered {last.Status} ({last.Type}: {last.Reason}) "
                    + $"after {_options.MaxRetries} retries; the batch will be sent again (records already stored count as duplicates then). "
                    + "If this lasts, the cluster is overloaded: add capacity or lower the pipeline's rate.",
                    last.Status,
                    last.Type);
            }

            var delay = Backoff(attempt);
            LogWarningRetryingItems(Name, outcome.Retry.Count, last.Status, last.Type, (long)delay.TotalMilliseconds, attempt, _options.MaxRetries);
            await Task.Delay(delay, _time, cancellation).ConfigureAwait(false);

            var positions = outcome.Retry.ToArray();
            outcome.Retry.Clear();
            using var retryBody = new ElasticsearchBulkBody(positions.Length, positions.Sum(body.RecordBytes));
            foreach (var position in positions)
            {
                retryBody.AppendCopy(body, position);
            }

            await SendAllAsync(retryBody, positions, outcome, cancellation).ConfigureAwait(false);
        }

        if (outcome.Rejected.Count > 0)
        {
            await DeadLetterAsync(records, outcome.Rejected, cancellation).ConfigureAwait(false);
        }

        LogDebugWritten(Name, records.Count, outcome.Stored, outcome.Duplicates, outcome.Rejected.Count, outcome.Requests, body.Length);
        return new OutputResult(outcome.Stored, outcome.Duplicates, outcome.Rejected.Count);
    }

    public void Dispose()
    {
        ((IDisposable)_settings).Dispose();
        _startGate.Dispose();
    }

    /// <summary>The NDJSON of every record, in order.</summary>
    internal ElasticsearchBulkBody Serialize(IReadOnlyList<LogEvent> records)
    {
        // About 400 bytes a record before the first growth; most log lines are shorter.
        var body = new ElasticsearchBulkBody(records.Count, Math.Min(records.Count * 400, _options.BatchBytes * 2), _options.ReplaceDots);
        string? tenant = null;
        string prefix = _options.IndexPrefix;
        byte[] tenantMember = [];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (!string.Equals(record.Tenant, tenant, StringComparison.Ordinal))
            {
                tenant = record.Tenant;
                prefix = _options.IndexPrefixFor(tenant);
                tenantMember = _tenantMembers.GetOrAdd(tenant, ElasticsearchBulkBody.TenantMemberBytes);
            }

            body.Append(record, _indexNames.For(prefix, record.TimeUnixNanos), tenantMember);
        }

        return body;
    }

    private async Task SendAllAsync(ElasticsearchBulkBody body, int[]? origin, BulkOutcome outcome, CancellationToken cancellation)
    {
        var from = 0;
        while (from < body.Count)
        {
            // As many records as fit in batch_size; a record larger than that goes alone.
            var to = from + 1;
            long bytes = body.RecordBytes(from);
            while (to < body.Count && bytes + body.RecordBytes(to) <= _options.BatchBytes)
            {
                bytes += body.RecordBytes(to);
                to++;
            }

            await SendRunAsync(body, from, to, origin, outcome, cancellation).ConfigureAwait(false);
            from = to;
        }
    }

    private async Task SendRunAsync(ElasticsearchBulkBody body, int from, int to, int[]? origin, BulkOutcome outcome, CancellationToken cancellation)
    {
        var sent = to - from;
        var response = await PostAsync("/_bulk", PostData.ReadOnlyMemory(body.Records(from, to)), BulkRequest, "bulk request", cancellation).ConfigureAwait(false);
        outcome.Requests++;
        var statuses = ArrayPool<int>.Shared.Rent(sent);
        var errors = new List<ElasticsearchItemError>();
        try
        {
            int answered;
            try
            {
                answered = ElasticsearchBulkResponse.Read(response.Body ?? [], sent, statuses, errors);
            }
            catch (JsonException e)
            {
                throw new ElasticsearchRequestException($"Elasticsearch output '{Name}': the bulk answer of {response.ApiCallDetails.Uri} could not be read ({e.Message}); the batch will be sent again.", 200, null, e);
            }

            if (answered != sent)
            {
                throw new ElasticsearchRequestException($"Elasticsearch output '{Name}': the bulk answer of {response.ApiCallDetails.Uri} has {answered} items for the {sent} sent; the batch will be sent again.", 200);
            }

            outcome.Stored += sent - errors.Count;
            foreach (var error in errors)
            {
                var position = origin is null ? from + error.Position : origin[from + error.Position];
                switch (error.Status)
                {
                    case 409:
                        outcome.Duplicates++;
                        break;
                    case 429 or >= 500 or 0:
                        outcome.Retry.Add(position);
                        outcome.LastRetryError = error;
                        break;
                    default:
                        if (BlockReasonOf(error) is { } block)
                        {
                            // Not the record's fault: no record could be stored until this is fixed.
                            throw ItemBlocked(error, block);
                        }

                        outcome.Rejected.Add((position, error));
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(statuses);
        }
    }

    /// <summary>Sends one request and returns its answer when it is a success; throws with what went wrong otherwise.</summary>
    private async Task<BytesResponse> PostAsync(string path, PostData data, IRequestConfiguration? configuration, string what, CancellationToken cancellation)
    {
        BytesResponse response;
        try
        {
            response = await _client.Transport.RequestAsync<BytesResponse>(new EndpointPath(HttpMethod.POST, path), data, null, configuration, cancellation)
                .ConfigureAwait(false);
        }
        catch (TransportException e)
        {
            throw Failure(what, e.ApiCallDetails, e);
        }

        cancellation.ThrowIfCancellationRequested();
        return response.ApiCallDetails.HttpStatusCode is >= 200 and < 300 ? response : throw Failure(what, response.ApiCallDetails, null, response.Body);
    }

    private ElasticsearchRequestException Failure(string what, ApiCallDetails? details, Exception? exception, byte[]? body = null)
    {
        var where = details?.Uri?.GetLeftPart(UriPartial.Authority) ?? string.Join(", ", _options.Hosts);
        if (details?.HttpStatusCode is not { } status)
        {
            var cause = details?.OriginalException ?? exception;
            var timedOut = cause is TimeoutException or OperationCanceledException || cause?.InnerException is TimeoutException;
            return timedOut
                ? new ElasticsearchRequestException($"Elasticsearch output '{Name}': {where} did not answer the {what} within {_options.RequestTimeout.TotalSeconds:0.###}s (timeout); the batch will be sent again. If the cluster is just slow, raise 'timeout' or lower 'batch_size'.", null, null, cause)
                : new ElasticsearchRequestException($"Elasticsearch output '{Name}': could not reach {where} for the {what} ({cause?.Message ?? "no answer"}); the batch will be sent again. Check 'hosts' and that Elasticsearch is up.", null, null, cause);
        }

        var (type, reason) = ElasticsearchBulkResponse.ReadRequestError(body ?? details.ResponseBodyInBytes ?? []) ?? ("unknown", "no error in the answer");
        var indices = string.Join("-*, ", _options.AllIndexPrefixes()) + "-*";
        var message = status switch
        {
            401 => $"Elasticsearch output '{Name}': {where} refused the credentials for the {what} (HTTP 401 {type}: {reason}); check user/password_env or api_key_env. Nothing is delivered until then; the records wait in the buffer.",
            403 => $"Elasticsearch output '{Name}': {where} forbids the {what} (HTTP 403 {type}: {reason}); "
                + (ElasticsearchDenial.Advice(reason) is { } advice ? $"{advice} to the output's user or API key" : $"the user or API key needs the create_doc and auto_configure privileges on the indices '{indices}'")
                + ". Nothing is delivered until then; the records wait in the buffer.",
            413 => $"Elasticsearch output '{Name}': {where} found the {what} too large (HTTP 413); lower 'batch_size' (now {_options.BatchBytes} bytes) below the cluster's http.max_content_length. The batch will be sent again.",
            429 or >= 500 => $"Elasticsearch output '{Name}': {where} answered the whole {what} with HTTP {status} ({type}: {reason}); the batch will be sent again.",
            _ => $"Elasticsearch output '{Name}': {where} refused the {what} with HTTP {status} ({type}: {reason}); the batch will be sent again.",
        };
        return new ElasticsearchRequestException(message, status, type, exception, status switch { 401 => "unauthorized", 403 => "forbidden", _ => null });
    }

    /// <summary>
    /// Which item errors are the cluster's or the configuration's, not the record's: the same
    /// answer would come for every record, so they stop delivery instead of filling the
    /// dead-letter store.
    /// </summary>
    private static string? BlockReasonOf(ElasticsearchItemError error) => error switch
    {
        { Status: 401 } => "unauthorized",
        { Status: 403 } => "forbidden",
        { Type: "index_not_found_exception" or "index_closed_exception" or "invalid_index_name_exception" } => "index_unavailable",
        _ => null,
    };

    private ElasticsearchRequestException ItemBlocked(ElasticsearchItemError error, string block)
    {
        var indices = string.Join("-*, ", _options.AllIndexPrefixes()) + "-*";
        var what = block switch
        {
            "unauthorized" => "check user/password_env or api_key_env",
            "forbidden" => ElasticsearchDenial.Advice(error.Reason) is { } advice
                ? $"{advice} on the indices '{indices}' to the output's user or API key"
                : $"the output's user or API key needs the index privileges create_doc and auto_configure on '{indices}', and the indices must accept writes",
            _ => $"create the index or let Elasticsearch create indices matching '{indices}' (action.auto_create_index), and keep them open",
        };
        return new ElasticsearchRequestException(
            $"Elasticsearch output '{Name}' cannot store records: Elasticsearch answered {error.Status} {error.Type}: {error.Reason}. To fix: {what}. "
            + "Nothing is delivered until then; the records wait in the buffer and go to no dead-letter store.",
            error.Status,
            error.Type,
            null,
            block);
    }

    private TimeSpan Backoff(int attempt)
    {
        // Exponential with "equal jitter": half the step fixed, half random, so retrying outputs spread out.
        var step = Math.Min(_options.RetryMaxBackoff.TotalMilliseconds, _options.RetryBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds((step / 2) + (Random.Shared.NextDouble() * step / 2));
    }

    private async Task DeadLetterAsync(IReadOnlyList<LogEvent> records, List<(int Position, ElasticsearchItemError Error)> rejected, CancellationToken cancellation)
    {
        var now = _time.GetUtcNow();
        var letters = new List<DeadLetter>(rejected.Count);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (position, error) in rejected)
        {
            var record = records[position];
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer, DeadLetterWriterOptions))
            {
                LogEventDocument.Write(writer, record, includeId: true);
            }

            letters.Add(new DeadLetter
            {
                Id = record.Id,
                Tenant = record.Tenant,
                Output = Name,
                Reason = $"{error.Type}: {error.Reason}",
                Status = error.Status,
                Document = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan),
                At = now,
            });
        }

        await _deadLetters.AddAsync(letters, cancellation).ConfigureAwait(false);
        foreach (var letter in letters)
        {
            _metrics.DeadLetterRecords.Add(1, new("output", Name), new("tenant", letter.Tenant));
        }

        LogWarningDeadLettered(Name, letters.Count, letters[0].Status, letters[0].Reason);
    }

    private async Task EnsureStartedAsync(CancellationToken cancellation)
    {
        if (_started)
        {
            return;
        }

        await _startGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            InfoResponse info;
            try
            {
                // A typed call: the client checks on it that the server is Elasticsearch (X-Elastic-Product).
                info = await _client.InfoAsync(cancellation).ConfigureAwait(false);
            }
            catch (UnsupportedProductException e)
            {
                throw new ElasticsearchRequestException(
                    $"Elasticsearch output '{Name}': {string.Join(", ", _options.Hosts)} did not answer as Elasticsearch (no 'X-Elastic-Product: Elasticsearch' header), and the client refuses other products. Check 'hosts'; a proxy in front of Elasticsearch must pass that header.",
                    200,
                    null,
                    e);
            }
            catch (TransportException e)
            {
                throw Failure("cluster info request", e.ApiCallDetails, e);
            }

            cancellation.ThrowIfCancellationRequested();
            if (info.ApiCallDetails.HttpStatusCode is not (>= 200 and < 300))
            {
                throw Failure("cluster info request", info.ApiCallDetails, null);
            }

            LogInformationConnected(Name, info.ClusterName, info.Version?.Number ?? "unknown", string.Join(", ", _options.Hosts));
            if (_options.InstallTemplate)
            {
                foreach (var prefix in _options.AllIndexPrefixes())
                {
                    await InstallTemplateAsync(prefix, cancellation).ConfigureAwait(false);
                }
            }

            _started = true;
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>
    /// Installs the index template of a prefix. Without it daily indices would be mapped by
    /// Elasticsearch's guesses, and records with dotted names would be refused, so a refusal stops
    /// delivery (retried with the batches) instead of writing into a wrong mapping.
    /// </summary>
    private async Task InstallTemplateAsync(string prefix, CancellationToken cancellation)
    {
        var name = ElasticsearchIndexTemplate.Name(prefix);
        BytesResponse response;
        try
        {
            response = await _client.Transport.RequestAsync<BytesResponse>(
                    new EndpointPath(HttpMethod.PUT, $"/_index_template/{Uri.EscapeDataString(name)}"),
                    PostData.Bytes(ElasticsearchIndexTemplate.Body(prefix)),
                    null,
                    null,
                    cancellation)
                .ConfigureAwait(false);
        }
        catch (TransportException e)
        {
            throw Failure($"index template request ({name})", e.ApiCallDetails, e);
        }

        cancellation.ThrowIfCancellationRequested();
        var details = response.ApiCallDetails;
        if (details.HttpStatusCode is >= 200 and < 300)
        {
            return;
        }

        if (details.HttpStatusCode is not { } status || status is 401 or 403 or 429 or >= 500)
        {
            throw Failure($"index template request ({name})", details, null, response.Body);
        }

        var (type, reason) = ElasticsearchBulkResponse.ReadRequestError(response.Body ?? []) ?? ("unknown", "no error in the answer");
        throw new ElasticsearchRequestException(
            $"Elasticsearch output '{Name}': {details.Uri?.GetLeftPart(UriPartial.Authority)} refused the index template '{name}' (HTTP {status} {type}: {reason}). "
            + "This output needs Elasticsearch 8.10 or later (the template maps dotted names with subobjects: false); or install a template yourself and set install_template: false. "
            + "Nothing is delivered until then; the records wait in the buffer.",
            status,
            type,
            null,
            "template_refused");
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Elasticsearch output {Output} connected to cluster {Cluster} (Elasticsearch {Version}) at {Hosts}")]
    private partial void LogInformationConnected(string output, string cluster, string version, string hosts);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "Elasticsearch output {Output} stopped delivering: {Message}")]
    private partial void LogErrorBlocked(string output, string message);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Information, Message = "Elasticsearch output {Output} delivers again")]
    private partial void LogInformationUnblocked(string output);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Elasticsearch output {Output}: {Count} records answered {Status} ({ErrorType}); sending them again alone in {DelayMs} ms (retry {Attempt} of {MaxRetries})")]
    private partial void LogWarningRetryingItems(string output, int count, int status, string errorType, long delayMs, int attempt, int maxRetries);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Elasticsearch output {Output} dead-lettered {Count} records Elasticsearch refused for good; first: {Status} {Reason}")]
    private partial void LogWarningDeadLettered(string output, int count, int status, string reason);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Elasticsearch output {Output} does not verify TLS certificates (tls.verify: false): anyone on the path can read and change the logs")]
    private partial void LogWarningCertificatesNotVerified(string output);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Debug, Message = "Elasticsearch output {Output} wrote {Records} records ({Stored} stored, {Duplicates} duplicates, {DeadLettered} dead-lettered) in {Requests} bulk requests of {Bytes} bytes")]
    private partial void LogDebugWritten(string output, int records, int stored, int duplicates, int deadLettered, int requests, int bytes);

    /// <summary>What became of the items of one write so far.</summary>
    private sealed class BulkOutcome
    {
        public int Stored { get; set; }
        public int Duplicates { get; set; }
        public int Requests { get; set; }

        /// <summary>Positions of records to send again (429, 5xx).</summary>
        public List<int> Retry { get; } = [];

        public ElasticsearchItemError LastRetryError { get; set; }

        public List<(int Position, ElasticsearchItemError Error)> Rejected { get; } = [];
    }
}
