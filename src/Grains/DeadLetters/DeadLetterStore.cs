using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.DeadLetters;

/// <summary>
/// Dead letters of one silo in a SQLite file under the data directory (<see cref="FileName"/>):
/// one row per (output, record id), listed newest first for people, read oldest first for a
/// replay, removed once a replay stored them. One connection serves every call, serialized by a
/// semaphore and run off the caller's (grain) scheduler; dead letters are few, so reads need no
/// connections of their own.
/// </summary>
/// <remarks>
/// WAL with <c>synchronous=FULL</c>: <see cref="AddAsync"/> returns only once its transaction is
/// synced to disk, so a letter survives a power loss too (the output has already answered for it
/// and will not send it again).
/// </remarks>
public sealed partial class DeadLetterStore : IDeadLetterSink, IAsyncDisposable
{
    /// <summary>Name of the SQLite file in the data directory.</summary>
    public const string FileName = "deadletter.db";

    /// <summary>Most letters one <see cref="ListAsync"/> or <see cref="ReadOldestAsync"/> call returns.</summary>
    public const int MaxPageSize = 1000;

    private const string CreateSql = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        CREATE TABLE IF NOT EXISTS dead_letters (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            output   TEXT    NOT NULL,
            id       TEXT    NOT NULL,
            tenant   TEXT    NOT NULL,
            reason   TEXT    NOT NULL,
            status   INTEGER NOT NULL,
            document TEXT    NOT NULL,
            at       INTEGER NOT NULL,
            UNIQUE (output, id)
        );
        CREATE INDEX IF NOT EXISTS dead_letters_at ON dead_letters (at, seq);
        CREATE INDEX IF NOT EXISTS dead_letters_tenant_at ON dead_letters (tenant, at, seq);
        CREATE INDEX IF NOT EXISTS dead_letters_output_seq ON dead_letters (output, seq);
        """;

    // OR REPLACE deletes the row of the same (output, id) and inserts a new one: the letter gets a new
    // sequence (AUTOINCREMENT never reuses one), so a replay holding the old sequence cannot remove it.
    private const string InsertSql = """
        INSERT OR REPLACE INTO dead_letters (output, id, tenant, reason, status, document, at)
        VALUES ($output, $id, $tenant, $reason, $status, $document, $at);
        """;

    private const string SelectColumns = "seq, output, id, tenant, reason, status, document, at";

    private readonly ILogger<DeadLetterStore> _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string _connectionString;
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;
    private volatile bool _disposed;

    /// <summary>A store in <c><paramref name="dataDirectory"/>/deadletter.db</c>; the file is created on first use.</summary>
    public DeadLetterStore(string dataDirectory, ILogger<DeadLetterStore> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        // No pooling: the store holds its one connection for its whole life, and disposing it must release the file.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
    }

    /// <summary>The full path of the SQLite file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Keeps <paramref name="letters"/> in one transaction, synced to disk before the task completes.
    /// A letter whose output and id are already kept replaces that one (its reason, document and time),
    /// and so does a later letter of the same list.
    /// </summary>
    public Task AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(letters);
        if (letters.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var letter in letters)
        {
            ArgumentNullException.ThrowIfNull(letter, nameof(letters));
        }

        return RunAsync(connection => Insert(connection, letters), cancellation);
    }

    /// <summary>
    /// Letters newest first (by <see cref="DeadLetter.At"/>, then by the order they were kept), of
    /// <paramref name="tenant"/> or of every tenant when null, with how many there are in all.
    /// </summary>
    /// <param name="tenant">Only this tenant's letters; null for all.</param>
    /// <param name="limit">Letters per page, at most <see cref="MaxPageSize"/>; 0 for the total alone.</param>
    /// <param name="cursor">The <see cref="DeadLetterPage.NextCursor"/> of the previous page; null for the first page.
    /// Unlike an offset, it keeps its place when letters are added or removed between pages.</param>
    /// <param name="cancellation">Gives up waiting for the store.</param>
    public Task<DeadLetterPage> ListAsync(string? tenant, int limit, string? cursor, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var after = ParseCursor(cursor);
        var pageSize = Math.Min(limit, MaxPageSize);
        return RunAsync(connection => List(connection, tenant, pageSize, after), cancellation);
    }

    /// <summary>How many letters are kept, per output and tenant, ordered by output then tenant.</summary>
    public Task<IReadOnlyList<DeadLetterCount>> CountAsync(CancellationToken cancellation) =>
        RunAsync<IReadOnlyList<DeadLetterCount>>(Count, cancellation);

    /// <summary>
    /// For a replay: the oldest kept letters of <paramref name="output"/> (of every output when null)
    /// with a sequence above <paramref name="afterSequence"/>, in the order they were kept. Nothing is
    /// removed: call <see cref="RemoveAsync"/> with the sequences the output then stored, and pass the
    /// last sequence seen as <paramref name="afterSequence"/> to go on past letters that failed again.
    /// </summary>
    public Task<IReadOnlyList<StoredDeadLetter>> ReadOldestAsync(string? output, int limit, long afterSequence, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var pageSize = Math.Min(limit, MaxPageSize);
        return RunAsync<IReadOnlyList<StoredDeadLetter>>(connection => ReadOldest(connection, output, pageSize, afterSequence), cancellation);
    }

    /// <summary>Removes the letters of these sequences (a replay stored them) in one transaction; returns how many were still kept.</summary>
    public Task<int> RemoveAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return sequences.Count == 0 ? Task.FromResult(0) : RunAsync(connection => Remove(connection, sequences), cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _insert?.Dispose();
            _connection?.Dispose();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // SQLite calls block: keep them off the caller's (grain) scheduler.
            return await Task.Run(() => work(Open()), cancellation).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private Task RunAsync(Action<SqliteConnection> work, CancellationToken cancellation) =>
        RunAsync(connection =>
        {
            work(connection);
            return true;
        }, cancellation);

    /// <summary>Opens the connection and creates the schema on first use; called under the lock.</summary>
    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = CreateSql;
                create.ExecuteNonQuery();
            }

            var insert = connection.CreateCommand();
            insert.CommandText = InsertSql;
            foreach (var name in (string[])["$output", "$id", "$tenant", "$reason", "$status", "$document", "$at"])
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _insert = insert;
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        LogInformationOpened(DatabasePath);
        return connection;
    }

    private void Insert(SqliteConnection connection, IReadOnlyList<DeadLetter> letters)
    {
        using var transaction = connection.BeginTransaction();
        var insert = _insert!;
        insert.Transaction = transaction;
        try
        {
            var parameters = insert.Parameters;
            foreach (var letter in letters)
            {
                parameters[0].Value = letter.Output;
                parameters[1].Value = letter.Id;
                parameters[2].Value = letter.Tenant;
                parameters[3].Value = letter.Reason;
                parameters[4].Value = letter.Status;
                parameters[5].Value = letter.Document;
                parameters[6].Value = letter.At.UtcTicks;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            insert.Transaction = null;
        }

        LogDebugAdded(letters.Count);
    }

    private static DeadLetterPage List(SqliteConnection connection, string? tenant, int limit, (long At, long Sequence)? after)
    {
        // One read transaction: the total and the page come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        var tenantFilter = tenant is null ? "1 = 1" : "tenant = $tenant";
        long total;
        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM dead_letters WHERE {tenantFilter}";
            AddTenant(count, tenant);
            total = (long)count.ExecuteScalar()!;
        }

        var letters = new List<StoredDeadLetter>(Math.Min(limit, (int)Math.Min(total, MaxPageSize)));
        if (limit > 0 && total > 0)
        {
            using var select = connection.CreateCommand();
            select.Transaction = transaction;
            var cursorFilter = after is null ? string.Empty : "AND (at, seq) < ($at, $seq)";
            select.CommandText = $"SELECT {SelectColumns} FROM dead_letters WHERE {tenantFilter} {cursorFilter} ORDER BY at DESC, seq DESC LIMIT $limit";
            AddTenant(select, tenant);
            if (after is { } position)
            {
                select.Parameters.AddWithValue("$at", position.At);
                select.Parameters.AddWithValue("$seq", position.Sequence);
            }

            // One more than asked tells whether another page follows.
            select.Parameters.AddWithValue("$limit", limit + 1);
            ReadLetters(select, letters);
        }

        string? next = null;
        if (letters.Count > limit)
        {
            letters.RemoveAt(letters.Count - 1);
            var last = letters[^1];
            next = FormatCursor(last.Letter.At.UtcTicks, last.Sequence);
        }

        return new DeadLetterPage { Letters = letters, Total = total, NextCursor = next };
    }

    private static List<DeadLetterCount> Count(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT output, tenant, COUNT(*) FROM dead_letters GROUP BY output, tenant ORDER BY output, tenant";
        using var reader = select.ExecuteReader();
        var counts = new List<DeadLetterCount>();
        while (reader.Read())
        {
            counts.Add(new DeadLetterCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return counts;
    }

    private static List<StoredDeadLetter> ReadOldest(SqliteConnection connection, string? output, int limit, long afterSequence)
    {
        var letters = new List<StoredDeadLetter>(limit);
        if (limit == 0)
        {
            return letters;
        }

        using var select = connection.CreateCommand();
        var outputFilter = output is null ? string.Empty : "AND output = $output";
        select.CommandText = $"SELECT {SelectColumns} FROM dead_letters WHERE seq > $after {outputFilter} ORDER BY seq LIMIT $limit";
        select.Parameters.AddWithValue("$after", afterSequence);
        if (output is not null)
        {
            select.Parameters.AddWithValue("$output", output);
        }

        select.Parameters.AddWithValue("$limit", limit);
        ReadLetters(select, letters);
        return letters;
    }

    private int Remove(SqliteConnection connection, IReadOnlyCollection<long> sequences)
    {
        using var transaction = connection.BeginTransaction();
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM dead_letters WHERE seq = $seq";
        var parameter = delete.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
        var removed = 0;
        foreach (var sequence in sequences)
        {
            parameter.Value = sequence;
            removed += delete.ExecuteNonQuery();
        }

        transaction.Commit();
        LogDebugRemoved(removed, sequences.Count);
        return removed;
    }

    private static void ReadLetters(SqliteCommand select, List<StoredDeadLetter> letters)
    {
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            letters.Add(new StoredDeadLetter(reader.GetInt64(0), new DeadLetter
            {
                Output = reader.GetString(1),
                Id = reader.GetString(2),
                Tenant = reader.GetString(3),
                Reason = reader.GetString(4),
                Status = reader.GetInt32(5),
                Document = reader.GetString(6),
                At = new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero),
            }));
        }
    }

    private static void AddTenant(SqliteCommand command, string? tenant)
    {
        if (tenant is not null)
        {
            command.Parameters.AddWithValue("$tenant", tenant);
        }
    }

    private static string FormatCursor(long atTicks, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{atTicks}.{sequence}");

    private static (long At, long Sequence)? ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var dot = cursor.IndexOf('.');
        if (dot > 0
            && long.TryParse(cursor.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            && long.TryParse(cursor.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return (at, sequence);
        }

        throw new ArgumentException($"Cursor '{cursor}' is not one a dead-letter page gave out; pass null for the first page.", nameof(cursor));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Dead-letter store opened at {Path}")]
    private partial void LogInformationOpened(string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Kept {Letters} dead letters")]
    private partial void LogDebugAdded(int letters);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Removed {Removed} of {Asked} replayed dead letters")]
    private partial void LogDebugRemoved(int removed, int asked);
}
