using Microsoft.Data.Sqlite;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// The store's prepared inserts (the row, then its FTS entry when the row is new), kept for the
/// life of the writer connection; each record re-binds the parameters. Not thread-safe: the store
/// calls it under its write lock.
/// </summary>
internal sealed class EmbeddedLogInsertCommand : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteCommand _indexCommand;
    private readonly SqliteParameter _indexedLog;
    private readonly SqliteParameter _id;
    private readonly SqliteParameter _time;
    private readonly SqliteParameter _tenant;
    private readonly SqliteParameter _namespace;
    private readonly SqliteParameter _pod;
    private readonly SqliteParameter _podId;
    private readonly SqliteParameter _container;
    private readonly SqliteParameter _containerId;
    private readonly SqliteParameter _host;
    private readonly SqliteParameter _stream;
    private readonly SqliteParameter _log;
    private readonly SqliteParameter _flags;
    private readonly SqliteParameter _fields;

    public EmbeddedLogInsertCommand(SqliteConnection connection)
    {
        _command = connection.CreateCommand();
        _command.CommandText = EmbeddedLogStoreSchema.InsertSql;
        _id = Add("$id", SqliteType.Text);
        _time = Add("$ts", SqliteType.Integer);
        _tenant = Add("$tenant", SqliteType.Text);
        _namespace = Add("$namespace", SqliteType.Text);
        _pod = Add("$pod", SqliteType.Text);
        _podId = Add("$pod_id", SqliteType.Text);
        _container = Add("$container", SqliteType.Text);
        _containerId = Add("$container_id", SqliteType.Text);
        _host = Add("$host", SqliteType.Text);
        _stream = Add("$stream", SqliteType.Text);
        _log = Add("$log", SqliteType.Text);
        _flags = Add("$flags", SqliteType.Integer);
        _fields = Add("$fields", SqliteType.Text);
        _command.Prepare();

        _indexCommand = connection.CreateCommand();
        _indexCommand.CommandText = EmbeddedLogStoreSchema.InsertFtsSql;
        _indexedLog = _indexCommand.Parameters.Add("$log", SqliteType.Text);
        _indexCommand.Prepare();
    }

    /// <summary>Inserts one record inside <paramref name="transaction"/>; returns 1, or 0 when its id is already stored.</summary>
    public int Insert(SqliteTransaction transaction, LogEvent record)
    {
        _command.Transaction = transaction;
        _id.Value = record.Id;
        _time.Value = record.TimeUnixNanos;
        _tenant.Value = record.Tenant;
        _namespace.Value = (object?)record.Namespace ?? DBNull.Value;
        _pod.Value = (object?)record.PodName ?? DBNull.Value;
        _podId.Value = (object?)record.PodId ?? DBNull.Value;
        _container.Value = (object?)record.ContainerName ?? DBNull.Value;
        _containerId.Value = (object?)record.ContainerId ?? DBNull.Value;
        _host.Value = (object?)record.Host ?? DBNull.Value;
        _stream.Value = (object?)LogEventFields.StreamName(record.Stream) ?? DBNull.Value;
        // The column is NOT NULL: a record whose message a filter removed stores an empty one, marked so that its
        // document has no log member rather than an empty one.
        var message = record.Log ?? string.Empty;
        _log.Value = message;
        _flags.Value = (int)record.Flags | (record.Log is null ? EmbeddedLogStoreSchema.NoLogFlag : 0);
        _fields.Value = record.SourceMetadataPending
            ? record.SourceMetadata?.FieldsJson ?? LogEventDocument.SourceMetadataJson(record.Source)
            : record.Fields is { Count: > 0 } fields ? fields.ToJsonString() : DBNull.Value;
        if (_command.ExecuteNonQuery() == 0)
        {
            return 0;
        }

        _indexCommand.Transaction = transaction;
        _indexedLog.Value = message;
        _indexCommand.ExecuteNonQuery();
        return 1;
    }

    public void Dispose()
    {
        _command.Dispose();
        _indexCommand.Dispose();
    }

    private SqliteParameter Add(string name, SqliteType type) => _command.Parameters.Add(name, type);
}
