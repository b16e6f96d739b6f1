using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Search.Kql;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// Log records of one silo in one SQLite file: a table with the Kubernetes metadata as columns and
/// an FTS5 index of the message, searched with KQL. One writer connection, serialized by a
/// semaphore, writes each batch in one transaction; searches use their own (pooled, read-only)
/// connections and see a consistent WAL snapshot. Record ids make writes idempotent: a replayed
/// batch stores nothing twice. A record whose own time is already past the retention when it
/// arrives is refused and counted (<see cref="EmbeddedLogWriteResult.OlderThanRetention"/>), never
/// stored only to be deleted by the next retention run.
/// </summary>
public sealed partial class EmbeddedLogStore : IAsyncDisposable
{
    /// <summary>Rows deleted per retention transaction, so writers are not held off for long.</summary>
    internal const int RetentionChunkRows = 5_000;

    private const int CancellationCheckInterval = 256;

    /// <summary>At most one warning about refused old records per this long; the counts in between are summed into it.</summary>
    internal static readonly TimeSpan OlderThanRetentionLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>Page cache of a search connection (the default 2 MB makes FTS-driven row lookups miss often).</summary>
    private const string SearchConnectionPragmas = "PRAGMA cache_size = -32768";

    /// <summary>
    /// How the newest hits of an FTS filter are found. Fetching every match through the FTS result
    /// and sorting costs about 1.4 µs per match; walking the time index newest-first and testing each
    /// row against the FTS result costs about 0.09 µs per row walked and stops after <c>limit</c>
    /// hits, i.e. after about limit × rows / total rows. Walk when total² &gt; ratio × limit × rows.
    /// </summary>
    private const double TimeIndexWalkCostRatio = 0.09 / 1.4;

    // Documents are JSON for an API, never inlined into HTML: keep non-ASCII text readable.
    private static readonly JsonWriterOptions DocumentWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly EmbeddedLogStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EmbeddedLogStore> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private SqliteConnection? _writer;
    private EmbeddedLogInsertCommand? _insert;
    private volatile bool _opened;
    private volatile bool _disposed;

    // Written under the write lock only.
    private long _olderThanRetentionNotLogged;
    private DateTimeOffset _nextOlderThanRetentionLog = DateTimeOffset.MinValue;

    public EmbeddedLogStore(IOptions<EmbeddedLogStoreOptions> options, TimeProvider timeProvider, ILogger<EmbeddedLogStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        var validation = new EmbeddedLogStoreOptionsValidator().Validate(Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EmbeddedLogStoreOptions), validation.Failures);
        }

        _timeProvider = timeProvider;
        _logger = logger;
        var path = Path.GetFullPath(_options.DatabasePath);
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    /// <summary>The full path of the SQLite file.</summary>
    public string DatabasePath => Path.GetFullPath(_options.DatabasePath);

    /// <summary>
    /// Stores the records of <paramref name="batch"/> in one transaction; see
    /// <see cref="WriteAsync(IReadOnlyList{LogEvent}, CancellationToken)"/>.
    /// </summary>
    public Task<EmbeddedLogWriteResult> WriteAsync(LogBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync(LogEventBatch.Read(batch), ct);
    }

    /// <summary>
    /// Stores <paramref name="records"/> in one transaction and says what became of them: stored,
    /// already stored (a replay, skipped), or refused because the record's own time is older than
    /// now minus <see cref="EmbeddedLogStoreOptions.RetentionDays"/> (the same cutoff
    /// <see cref="ApplyRetentionAsync"/> deletes by). Refused records are done with: the caller
    /// must not retry them. Concurrent calls are serialized.
    /// </summary>
    public async Task<EmbeddedLogWriteResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // SQLite calls block: keep them off the caller's (grain) scheduler.
            return await Task.Run(() => WriteRecords(records, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="query"/> over records with <paramref name="fromUnixNanos"/> ≤ time ≤
    /// <paramref name="toUnixNanos"/>: the exact number of matches, and the newest
    /// <paramref name="limit"/> of them (at most <see cref="EmbeddedLogStoreOptions.MaxSearchHits"/>)
    /// as fluent-bit-shaped JSON documents, newest first. With <paramref name="tenant"/>, only that
    /// tenant's records are searched: the condition is outside the query's SQL, so no query escapes it.
    /// </summary>
    public async Task<LogSearchResult> SearchAsync(KqlNode query, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken ct, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = KqlSqlTranslator.Translate(query);
        await EnsureOpenAsync(ct).ConfigureAwait(false);
        var hits = Math.Clamp(limit, 0, _options.MaxSearchHits);
        return await Task.Run(() => Search(filter, fromUnixNanos, toUnixNanos, hits, tenant, ct), ct).ConfigureAwait(false);
    }

    /// <summary>Deletes records older than <see cref="EmbeddedLogStoreOptions.RetentionDays"/> (FTS entries with them) and returns how many.</summary>
    public async Task<long> ApplyRetentionAsync(CancellationToken ct)
    {
        var cutoff = RetentionCutoff(_timeProvider.GetUtcNow());
        long total = 0;
        int deleted;
        do
        {
            // One chunk per lock hold, so batches keep flowing during a large clean-up.
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                deleted = await Task.Run(() => DeleteExpiredChunk(cutoff), ct).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }

            total += deleted;
        }
        while (deleted == RetentionChunkRows && !ct.IsCancellationRequested);

        LogInformationRetentionApplied(total, _options.RetentionDays, StoreTimestamp.Format(cutoff));
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _insert?.Dispose();
            if (_writer is not null)
            {
                // SQLite's advice for long-lived connections: refresh planner statistics on close.
                using (var optimize = _writer.CreateCommand())
                {
                    optimize.CommandText = "PRAGMA optimize";
                    optimize.ExecuteNonQuery();
                }

                _writer.Dispose();
            }

            using var pooled = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task EnsureOpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_opened)
        {
            return;
        }

        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Open();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Opens the writer and creates the schema; called under the write lock.</summary>
    private void Open()
    {
        if (_opened)
        {
            return;
        }

        var path = DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writer = new SqliteConnection(_writeConnectionString);
        try
        {
            writer.Open();
            using (var create = writer.CreateCommand())
            {
                create.CommandText = EmbeddedLogStoreSchema.CreateSql;
                create.ExecuteNonQuery();
            }

            _insert = new EmbeddedLogInsertCommand(writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        _writer = writer;
        _opened = true;
        LogInformationOpened(path);
    }

    private EmbeddedLogWriteResult WriteRecords(IReadOnlyList<LogEvent> records, CancellationToken ct)
    {
        Open();
        var started = Stopwatch.GetTimestamp();
        var now = _timeProvider.GetUtcNow();
        var cutoff = RetentionCutoff(now);
        var stored = 0;
        var seen = 0;
        var tooOld = 0;
        var oldest = long.MaxValue;
        using var transaction = _writer!.BeginTransaction();
        try
        {
            foreach (var record in records)
            {
                if (++seen % CancellationCheckInterval == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                // Checked before the id: an old record is refused whether or not an earlier copy is still stored.
                if (record.TimeUnixNanos < cutoff)
                {
                    tooOld++;
                    oldest = Math.Min(oldest, record.TimeUnixNanos);
                    continue;
                }

                stored += _insert!.Insert(transaction, record);
            }

            transaction.Commit();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWarningBatchWriteFailed(ex, records.Count);
            throw;
        }

        if (tooOld > 0)
        {
            NoteOlderThanRetention(tooOld, oldest, cutoff, now);
        }

        LogDebugBatchWritten(seen, stored, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new EmbeddedLogWriteResult(stored, seen - stored - tooOld, tooOld);
    }

    /// <summary>
    /// Logs refused old records at most once per <see cref="OlderThanRetentionLogInterval"/>: a
    /// backfill refuses every batch, and one line a minute with the sum says as much as thousands.
    /// Called under the write lock.
    /// </summary>
    private void NoteOlderThanRetention(int refused, long oldest, long cutoff, DateTimeOffset now)
    {
        _olderThanRetentionNotLogged += refused;
        if (now < _nextOlderThanRetentionLog)
        {
            return;
        }

        LogWarningOlderThanRetention(_olderThanRetentionNotLogged, _options.RetentionDays, StoreTimestamp.Format(oldest), StoreTimestamp.Format(cutoff));
        _olderThanRetentionNotLogged = 0;
        _nextOlderThanRetentionLog = now + OlderThanRetentionLogInterval;
    }

    private long RetentionCutoff(DateTimeOffset now) => UnixNanos(now - TimeSpan.FromDays(_options.RetentionDays));

    private LogSearchResult Search(KqlSqlFilter filter, long from, long to, int limit, string? tenant, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        ct.ThrowIfCancellationRequested();
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = SearchConnectionPragmas;
            pragmas.ExecuteNonQuery();
        }

        using var interrupt = ct.Register(static state => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)state!).Handle), connection);
        try
        {
            // One read transaction: the count and the hits come from the same snapshot.
            using var transaction = connection.BeginTransaction(deferred: true);
            var where = $"{EmbeddedLogStoreSchema.Time} >= $from AND {EmbeddedLogStoreSchema.Time} <= $to";
            if (tenant is not null)
            {
                where += $" AND {EmbeddedLogStoreSchema.Tenant} = $tenant";
            }

            if (!filter.MatchesAll)
            {
                where += $" AND ({filter.Sql})";
            }

            long total;
            using (var count = CreateSearchCommand(connection, $"SELECT COUNT(*) FROM {EmbeddedLogStoreSchema.Table} WHERE {where}", filter, from, to, tenant))
            {
                total = (long)count.ExecuteScalar()!;
            }

            var hits = new List<LogSearchHit>(Math.Min(limit, (int)Math.Min(total, int.MaxValue)));
            if (limit > 0 && total > 0)
            {
                var walkTimeIndex = filter.UsesFullTextIndex && ShouldWalkTimeIndex(connection, total, limit);
                ReadHits(connection, where, filter, from, to, tenant, limit, walkTimeIndex, hits);
            }

            LogDebugSearched(total, hits.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new LogSearchResult { Total = total, Hits = hits };
        }
        catch (SqliteException ex) when (ct.IsCancellationRequested && ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT)
        {
            throw new OperationCanceledException("The search was cancelled.", ex, ct);
        }
    }

    /// <summary>
    /// SQLite's planner cannot tell how many rows an FTS5 MATCH keeps and always fetches the matches
    /// first; with many matches, walking the time index is cheaper (see <see cref="TimeIndexWalkCostRatio"/>).
    /// The row count is estimated from the rowid span, two index lookups.
    /// </summary>
    private static bool ShouldWalkTimeIndex(SqliteConnection connection, long total, int limit)
    {
        using var span = connection.CreateCommand();
        span.CommandText = $"""
            SELECT COALESCE((SELECT MAX({EmbeddedLogStoreSchema.RowId}) FROM {EmbeddedLogStoreSchema.Table})
                - (SELECT MIN({EmbeddedLogStoreSchema.RowId}) FROM {EmbeddedLogStoreSchema.Table}) + 1, 0)
            """;
        var rows = (long)span.ExecuteScalar()!;
        return (double)total * total > TimeIndexWalkCostRatio * limit * rows;
    }

    private void ReadHits(SqliteConnection connection, string where, KqlSqlFilter filter, long from, long to, string? tenant, int limit, bool walkTimeIndex, List<LogSearchHit> hits)
    {
        // Order and limit row ids first (often from a covering index), then read just those rows.
        var indexedBy = walkTimeIndex ? $"INDEXED BY {EmbeddedLogStoreSchema.TimeIndex}" : string.Empty;
        var sql = $"""
            SELECT {EmbeddedLogStoreSchema.SelectColumns} FROM {EmbeddedLogStoreSchema.Table}
            WHERE {EmbeddedLogStoreSchema.RowId} IN (
                SELECT {EmbeddedLogStoreSchema.RowId} FROM {EmbeddedLogStoreSchema.Table} {indexedBy} WHERE {where}
                ORDER BY {EmbeddedLogStoreSchema.Time} DESC, {EmbeddedLogStoreSchema.RowId} DESC LIMIT $limit)
            ORDER BY {EmbeddedLogStoreSchema.Time} DESC, {EmbeddedLogStoreSchema.RowId} DESC
            """;
        using var select = CreateSearchCommand(connection, sql, filter, from, to, tenant);
        select.Parameters.AddWithValue("$limit", limit);
        using var reader = select.ExecuteReader();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(buffer, DocumentWriterOptions);
        while (reader.Read())
        {
            var record = new StoredLogRecord(
                reader.GetString(EmbeddedLogStoreSchema.SelectId),
                reader.GetInt64(EmbeddedLogStoreSchema.SelectTime),
                reader.GetString(EmbeddedLogStoreSchema.SelectLog),
                NullableString(reader, EmbeddedLogStoreSchema.SelectStream),
                NullableString(reader, EmbeddedLogStoreSchema.SelectNamespace),
                NullableString(reader, EmbeddedLogStoreSchema.SelectPod),
                NullableString(reader, EmbeddedLogStoreSchema.SelectPodId),
                NullableString(reader, EmbeddedLogStoreSchema.SelectContainer),
                NullableString(reader, EmbeddedLogStoreSchema.SelectContainerId),
                NullableString(reader, EmbeddedLogStoreSchema.SelectHost),
                reader.GetInt32(EmbeddedLogStoreSchema.SelectFlags),
                NullableString(reader, EmbeddedLogStoreSchema.SelectFields));
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            if (!LogDocumentWriter.Write(json, record))
            {
                LogWarningUnreadableFields(record.Id);
            }

            json.Flush();
            hits.Add(new LogSearchHit
            {
                Id = record.Id,
                TimeUnixNanos = record.TimeUnixNanos,
                Document = Encoding.UTF8.GetString(buffer.WrittenSpan),
            });
        }
    }

    private static SqliteCommand CreateSearchCommand(SqliteConnection connection, string sql, KqlSqlFilter filter, long from, long to, string? tenant)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        if (tenant is not null)
        {
            command.Parameters.AddWithValue("$tenant", tenant);
        }

        foreach (var (name, value) in filter.Parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private int DeleteExpiredChunk(long cutoff)
    {
        Open();
        using var transaction = _writer!.BeginTransaction();
        using var delete = _writer.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = EmbeddedLogStoreSchema.DeleteExpiredSql;
        delete.Parameters.AddWithValue("$cutoff", cutoff);
        delete.Parameters.AddWithValue("$chunk", RetentionChunkRows);
        var deleted = delete.ExecuteNonQuery();
        transaction.Commit();
        return deleted;
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long UnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Embedded log store opened at {Path}")]
    private partial void LogInformationOpened(string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Stored {Stored} new of {Records} records in {ElapsedMs:F1} ms")]
    private partial void LogDebugBatchWritten(int records, int stored, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not store {Records} records; the sender keeps them and retries")]
    private partial void LogWarningBatchWriteFailed(Exception exception, int records);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Search matched {Total} records, returned {Hits}, in {ElapsedMs:F1} ms")]
    private partial void LogDebugSearched(long total, int hits, double elapsedMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Retention deleted {Deleted} records older than {RetentionDays} days (before {Cutoff})")]
    private partial void LogInformationRetentionApplied(long deleted, int retentionDays, string cutoff);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Record {Id} has unreadable extra fields JSON; its document leaves them out")]
    private partial void LogWarningUnreadableFields(string id);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Refused {Count} records older than the {RetentionDays}-day retention (oldest {Oldest}, cutoff {Cutoff}), counted in pipeline_store_records_rejected_total as older_than_retention. A backfill or a node clock running behind sends such records; raise retention_days to keep them")]
    private partial void LogWarningOlderThanRetention(long count, int retentionDays, string oldest, string cutoff);
}
