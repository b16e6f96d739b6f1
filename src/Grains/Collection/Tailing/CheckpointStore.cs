using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// Durable file offsets in a local SQLite file, one row per file key. Commits are staged in memory
/// and written together by <see cref="Flush"/> in one transaction, so a collector acknowledging
/// batches several times a second costs one small write each time, not one per file.
/// Not thread-safe: the node collector calls it from its single thread.
/// </summary>
/// <remarks>
/// The database runs in WAL mode with <c>synchronous=NORMAL</c>: a flushed transaction survives
/// the process being killed, because it is in the WAL file the moment the commit returns. On power
/// loss or a kernel crash the transactions since the last WAL sync may be rolled back (the database
/// stays consistent): reading then resumes from an older offset and re-sends lines the store already
/// has, which the store drops by record id. At-least-once holds either way.
/// </remarks>
public sealed class CheckpointStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, FileCheckpoint> _staged = new(StringComparer.Ordinal);
    private readonly SqliteCommand _select;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _selectStale;

    /// <summary>Opens (or creates) the checkpoint database at <paramref name="databasePath"/>.</summary>
    public CheckpointStore(string databasePath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        DatabasePath = databasePath;

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        // No pooling: the store holds its one connection for its whole life, and disposing it must release the file.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS file_checkpoints (
                file_key    TEXT    NOT NULL PRIMARY KEY,
                device      INTEGER NOT NULL,
                inode       INTEGER NOT NULL,
                path        TEXT    NOT NULL,
                file_offset INTEGER NOT NULL,
                tail_hash   INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS file_checkpoints_updated_at ON file_checkpoints (updated_at);
            """);

        _select = Prepare("SELECT device, inode, path, file_offset, tail_hash, updated_at FROM file_checkpoints WHERE file_key = $key;", "$key");
        _upsert = Prepare(
            """
            INSERT INTO file_checkpoints (file_key, device, inode, path, file_offset, tail_hash, updated_at)
            VALUES ($key, $device, $inode, $path, $offset, $tail, $updated)
            ON CONFLICT (file_key) DO UPDATE SET
                device = excluded.device, inode = excluded.inode, path = excluded.path,
                file_offset = excluded.file_offset, tail_hash = excluded.tail_hash, updated_at = excluded.updated_at;
            """,
            "$key", "$device", "$inode", "$path", "$offset", "$tail", "$updated");
        _delete = Prepare("DELETE FROM file_checkpoints WHERE file_key = $key;", "$key");
        _selectStale = Prepare("SELECT file_key FROM file_checkpoints WHERE updated_at < $cutoff;", "$cutoff");
    }

    /// <summary>Where the database is; files beside it (<c>.clock</c>) belong to the same node.</summary>
    public string DatabasePath { get; }

    /// <summary>Commits staged and not yet written by <see cref="Flush"/>.</summary>
    public int PendingCount => _staged.Count;

    /// <summary>
    /// Stages a checkpoint stamped with the current time; the latest one per key wins.
    /// Nothing is written until <see cref="Flush"/>.
    /// </summary>
    public FileCheckpoint Commit(string fileKey, FileIdentity identity, string path, long offset, ulong tailHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileKey);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var checkpoint = new FileCheckpoint(fileKey, identity, path, offset, tailHash, _timeProvider.GetUtcNow());
        _staged[fileKey] = checkpoint;
        return checkpoint;
    }

    /// <summary>The checkpoint of a file key, staged or written.</summary>
    public bool TryGet(string fileKey, [NotNullWhen(true)] out FileCheckpoint? checkpoint)
    {
        if (_staged.TryGetValue(fileKey, out checkpoint))
        {
            return true;
        }

        _select.Parameters[0].Value = fileKey;
        using var reader = _select.ExecuteReader();
        if (!reader.Read())
        {
            checkpoint = null;
            return false;
        }

        checkpoint = new FileCheckpoint(
            fileKey,
            new FileIdentity(unchecked((ulong)reader.GetInt64(0)), unchecked((ulong)reader.GetInt64(1))),
            reader.GetString(2),
            reader.GetInt64(3),
            unchecked((ulong)reader.GetInt64(4)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));
        return true;
    }

    /// <summary>Writes every staged checkpoint in one transaction; returns how many.</summary>
    public int Flush()
    {
        if (_staged.Count == 0)
        {
            return 0;
        }

        using var transaction = _connection.BeginTransaction();
        _upsert.Transaction = transaction;
        var parameters = _upsert.Parameters;
        foreach (var checkpoint in _staged.Values)
        {
            parameters[0].Value = checkpoint.FileKey;
            parameters[1].Value = unchecked((long)checkpoint.Identity.Device);
            parameters[2].Value = unchecked((long)checkpoint.Identity.Inode);
            parameters[3].Value = checkpoint.Path;
            parameters[4].Value = checkpoint.Offset;
            parameters[5].Value = unchecked((long)checkpoint.TailHash);
            parameters[6].Value = checkpoint.UpdatedAt.ToUnixTimeMilliseconds();
            _upsert.ExecuteNonQuery();
        }

        transaction.Commit();
        _upsert.Transaction = null;
        var written = _staged.Count;
        _staged.Clear();
        return written;
    }

    /// <summary>
    /// Forgets files gone for longer than <paramref name="goneFor"/>: rows not updated since then whose
    /// key is not among <paramref name="followedKeys"/> (files still open, however idle). Returns how many.
    /// </summary>
    public int RemoveGone(TimeSpan goneFor, IReadOnlySet<string> followedKeys)
    {
        ArgumentNullException.ThrowIfNull(followedKeys);
        _selectStale.Parameters[0].Value = (_timeProvider.GetUtcNow() - goneFor).ToUnixTimeMilliseconds();
        List<string>? gone = null;
        using (var reader = _selectStale.ExecuteReader())
        {
            while (reader.Read())
            {
                var key = reader.GetString(0);
                if (!followedKeys.Contains(key) && !_staged.ContainsKey(key))
                {
                    (gone ??= []).Add(key);
                }
            }
        }

        if (gone is null)
        {
            return 0;
        }

        using var transaction = _connection.BeginTransaction();
        _delete.Transaction = transaction;
        foreach (var key in gone)
        {
            _delete.Parameters[0].Value = key;
            _delete.ExecuteNonQuery();
        }

        transaction.Commit();
        _delete.Transaction = null;
        return gone.Count;
    }

    /// <summary>Closes the database. Staged commits not flushed are dropped, as a crash would drop them.</summary>
    public void Dispose()
    {
        _select.Dispose();
        _upsert.Dispose();
        _delete.Dispose();
        _selectStale.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
