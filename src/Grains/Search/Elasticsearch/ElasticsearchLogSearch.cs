using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace Pipeline.Grains.Search.Elasticsearch;

/// <summary>
/// Runs a KQL search against the indices an <see cref="ElasticsearchLogOutput"/> writes
/// (<c>&lt;prefix&gt;-*</c>): the exact number of matches (<c>track_total_hits</c>) and the newest
/// <c>limit</c> of them, newest first, as documents of the embedded store's shape (<c>_id</c> first,
/// then the fluent-bit document, without the output's <c>tenant</c> member). A tenant restriction
/// is a <c>term</c> filter beside the user's query, so no query can reach past it.
/// </summary>
public sealed partial class ElasticsearchLogSearch : IDisposable
{
    /// <summary>Most hits one search returns: Elasticsearch's default <c>index.max_result_window</c>.</summary>
    public const int MaxHits = 10_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ElasticsearchLogOutputOptions _options;
    private readonly ElasticsearchClientSettings _settings;
    private readonly ElasticsearchClient _client;
    private readonly ILogger<ElasticsearchLogSearch> _logger;

    public ElasticsearchLogSearch(ElasticsearchLogOutputOptions options, ILogger<ElasticsearchLogSearch> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _settings = ElasticsearchClientFactory.CreateSettings(options);
        _client = new ElasticsearchClient(_settings);
    }

    /// <summary>
    /// Searches records with <paramref name="fromUnixNanos"/> ≤ time ≤ <paramref name="toUnixNanos"/>,
    /// of <paramref name="tenant"/> only when it is given.
    /// </summary>
    /// <exception cref="ElasticsearchRequestException">Elasticsearch could not be reached or refused the search.</exception>
    public async Task<LogSearchResult> SearchAsync(KqlNode query, long fromUnixNanos, long toUnixNanos, int limit, string? tenant, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(query);
        var indices = tenant is null
            ? string.Join(',', _options.AllIndexPrefixes().Select(p => p + "-*"))
            : _options.IndexPrefixFor(tenant) + "-*";
        var body = RequestBody(query, fromUnixNanos, toUnixNanos, Math.Clamp(limit, 0, MaxHits), tenant);
        BytesResponse response;
        try
        {
            response = await _client.Transport.RequestAsync<BytesResponse>(
                    new EndpointPath(HttpMethod.POST, $"/{indices}/_search?ignore_unavailable=true&allow_no_indices=true"),
                    PostData.Bytes(body),
                    null,
                    null,
                    cancellation)
                .ConfigureAwait(false);
        }
        catch (TransportException e)
        {
            throw new ElasticsearchRequestException($"Elasticsearch search of '{indices}' failed: {e.Message}", null, null, e);
        }

        cancellation.ThrowIfCancellationRequested();
        var details = response.ApiCallDetails;
        if (details.HttpStatusCode is not (>= 200 and < 300) || response.Body is null)
        {
            var error = ElasticsearchBulkResponse.ReadRequestError(response.Body ?? []);
            var message = details.HttpStatusCode is { } status
                ? $"Elasticsearch refused the search of '{indices}' with HTTP {status} ({error?.Type}: {error?.Reason})"
                : $"Elasticsearch could not be reached for the search of '{indices}' ({details.OriginalException?.Message})";
            if (details.HttpStatusCode == 403 && error is { Reason: { } reason } && Outputs.Elasticsearch.ElasticsearchDenial.Advice(reason) is { } advice)
            {
                message += $"; {advice} on '{indices}' to the output's user or API key";
            }
            throw new ElasticsearchRequestException(message, details.HttpStatusCode, error?.Type, details.OriginalException);
        }

        var result = ReadResult(response.Body);
        LogDebugSearched(indices, result.Total, result.Hits.Count);
        return result;
    }

    public void Dispose() => ((IDisposable)_settings).Dispose();

    /// <summary>The <c>_search</c> body: the KQL query and the restrictions as filters, newest first.</summary>
    internal static byte[] RequestBody(KqlNode query, long fromUnixNanos, long toUnixNanos, int limit, string? tenant)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("size", limit);
            w.WriteBoolean("track_total_hits", true);
            w.WriteStartArray("sort");
            w.WriteStartObject();
            w.WriteStartObject(KqlParser.TimestampField);
            w.WriteString("order", "desc");

            // Indices written by fluent-bit map @timestamp as date, ours as date_nanos: compare in nanoseconds.
            w.WriteString("numeric_type", "date_nanos");
            w.WriteString("unmapped_type", "date_nanos");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("query");
            w.WriteStartObject("bool");
            w.WriteStartArray("filter");
            if (query is not KqlMatchAll)
            {
                KqlQueryDsl.Write(w, query);
            }

            if (tenant is not null)
            {
                w.WriteStartObject();
                w.WriteStartObject("term");
                w.WriteString(ElasticsearchBulkBody.TenantMember, tenant);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            if (fromUnixNanos != long.MinValue || toUnixNanos != long.MaxValue)
            {
                w.WriteStartObject();
                w.WriteStartObject("range");
                w.WriteStartObject(KqlParser.TimestampField);
                if (fromUnixNanos != long.MinValue)
                {
                    w.WriteString("gte", StoreTimestamp.Format(fromUnixNanos));
                }

                if (toUnixNanos != long.MaxValue)
                {
                    w.WriteString("lte", StoreTimestamp.Format(toUnixNanos));
                }

                w.WriteString("format", KqlQueryDsl.TimestampFormat);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Total and hits of a <c>_search</c> answer, each hit's <c>_source</c> rewritten with <c>_id</c> first and without <c>tenant</c>.</summary>
    internal static LogSearchResult ReadResult(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        var hitsElement = document.RootElement.GetProperty("hits");
        var total = hitsElement.TryGetProperty("total", out var t)
            ? t.ValueKind == JsonValueKind.Number ? t.GetInt64() : t.GetProperty("value").GetInt64()
            : 0;
        var hits = new List<LogSearchHit>();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var hit in hitsElement.GetProperty("hits").EnumerateArray())
        {
            var id = hit.GetProperty("_id").GetString()!;
            var source = hit.GetProperty("_source");
            long nanos = 0;
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("_id", id);
            foreach (var member in source.EnumerateObject())
            {
                if (member.NameEquals(ElasticsearchBulkBody.TenantMember) || member.NameEquals("_id"))
                {
                    continue;
                }

                if (member.NameEquals(KqlParser.TimestampField) && member.Value.ValueKind == JsonValueKind.String
                    && !Rfc3339.TryParseUnixNanos(Encoding.UTF8.GetBytes(member.Value.GetString()!), out nanos))
                {
                    nanos = 0;
                }

                member.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.Flush();
            hits.Add(new LogSearchHit { Id = id, TimeUnixNanos = nanos, Document = Encoding.UTF8.GetString(buffer.WrittenSpan) });
        }

        return new LogSearchResult { Total = total, Hits = hits };
    }

    [LoggerMessage(EventId = 1431, Level = LogLevel.Debug, Message = "Elasticsearch search of {Indices} matched {Total} records, returned {Hits}")]
    private partial void LogDebugSearched(string indices, long total, int hits);
}
