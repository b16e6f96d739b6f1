namespace Pipeline.Grains.Store.Embedded;

/// <summary>Table, column and statement text of the embedded store, in one place for the store and the KQL translator.</summary>
internal static class EmbeddedLogStoreSchema
{
    public const string Table = "logs";
    public const string FtsTable = "logs_fts";

    /// <summary>The rowid alias. Declared so rowids survive VACUUM, which the external-content FTS index relies on.</summary>
    public const string RowId = "seq";

    /// <summary>The index on time alone; a search walks it newest-first when that is cheaper than sorting the matches.</summary>
    public const string TimeIndex = "logs_ts";

    public const string Id = "id";
    public const string Time = "ts";
    public const string Tenant = "tenant";
    public const string Namespace = "namespace";
    public const string Pod = "pod";
    public const string PodId = "pod_id";
    public const string Container = "container";
    public const string ContainerId = "container_id";
    public const string Host = "host";
    public const string Stream = "stream";
    public const string Log = "log";
    public const string Flags = "flags";

    /// <summary>
    /// The bits of <see cref="Flags"/> that are the record's <c>LogRecordFlags</c> (shown as <c>pipeline_flags</c>);
    /// the bits above are the store's own.
    /// </summary>
    public const int RecordFlagsMask = 0xFF;

    /// <summary>
    /// Set in <see cref="Flags"/> when the record has no <c>log</c> member (a parser filter removed it, as fluent-bit's
    /// does): the column is NOT NULL and holds "", and the document is written without the member.
    /// </summary>
    public const int NoLogFlag = 0x100;
    public const string Fields = "fields";

    /// <summary>
    /// Runs on the writer connection when the store opens; every statement is idempotent. Deletes
    /// and updates reach the FTS index through triggers; inserts do not (see <see cref="InsertFtsSql"/>).
    /// </summary>
    public const string CreateSql = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS logs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            ts INTEGER NOT NULL,
            tenant TEXT NOT NULL,
            namespace TEXT,
            pod TEXT,
            pod_id TEXT,
            container TEXT,
            container_id TEXT,
            host TEXT,
            stream TEXT,
            log TEXT NOT NULL,
            flags INTEGER NOT NULL DEFAULT 0,
            fields TEXT
        );
        CREATE INDEX IF NOT EXISTS logs_ts ON logs (ts);
        CREATE INDEX IF NOT EXISTS logs_namespace_ts ON logs (namespace, ts);
        CREATE INDEX IF NOT EXISTS logs_pod_ts ON logs (pod, ts);
        CREATE INDEX IF NOT EXISTS logs_container_ts ON logs (container, ts);
        CREATE INDEX IF NOT EXISTS logs_host_ts ON logs (host, ts);
        CREATE INDEX IF NOT EXISTS logs_tenant_ts ON logs (tenant, ts);
        CREATE VIRTUAL TABLE IF NOT EXISTS logs_fts USING fts5 (
            log, content = 'logs', content_rowid = 'seq', tokenize = 'unicode61');
        CREATE TRIGGER IF NOT EXISTS logs_fts_delete AFTER DELETE ON logs BEGIN
            INSERT INTO logs_fts (logs_fts, rowid, log) VALUES ('delete', old.seq, old.log);
        END;
        CREATE TRIGGER IF NOT EXISTS logs_fts_update AFTER UPDATE OF log ON logs BEGIN
            INSERT INTO logs_fts (logs_fts, rowid, log) VALUES ('delete', old.seq, old.log);
            INSERT INTO logs_fts (rowid, log) VALUES (new.seq, new.log);
        END;
        """;

    /// <summary>
    /// A replayed id inserts nothing, so the FTS trigger does not fire either. <c>ON CONFLICT(id)
    /// DO NOTHING</c> rather than <c>INSERT OR IGNORE</c> so that only a duplicate id is skipped,
    /// never a row breaking another constraint.
    /// </summary>
    public const string InsertSql = """
        INSERT INTO logs (id, ts, tenant, namespace, pod, pod_id, container, container_id, host, stream, log, flags, fields)
        VALUES ($id, $ts, $tenant, $namespace, $pod, $pod_id, $container, $container_id, $host, $stream, $log, $flags, $fields)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>
    /// Indexes the message of the row just inserted; the writer runs it only when
    /// <see cref="InsertSql"/> inserted a row, so a replay adds nothing to the index. Not an
    /// AFTER INSERT trigger on purpose: a trigger that writes a virtual table makes every INSERT
    /// open a statement savepoint, and FTS5 flushes its pending terms at each savepoint, so every
    /// row became its own index segment (measured 2.5x slower writes).
    /// </summary>
    public const string InsertFtsSql = "INSERT INTO logs_fts (rowid, log) VALUES (last_insert_rowid(), $log)";

    /// <summary>Columns a search reads, in the order of the <c>Select*</c> ordinals below.</summary>
    public const string SelectColumns = "id, ts, log, stream, namespace, pod, pod_id, container, container_id, host, flags, fields";

    public const int SelectId = 0;
    public const int SelectTime = 1;
    public const int SelectLog = 2;
    public const int SelectStream = 3;
    public const int SelectNamespace = 4;
    public const int SelectPod = 5;
    public const int SelectPodId = 6;
    public const int SelectContainer = 7;
    public const int SelectContainerId = 8;
    public const int SelectHost = 9;
    public const int SelectFlags = 10;
    public const int SelectFields = 11;

    /// <summary>Deletes one chunk of expired rows (the FTS delete trigger runs per row).</summary>
    public const string DeleteExpiredSql = """
        DELETE FROM logs WHERE seq IN (SELECT seq FROM logs WHERE ts < $cutoff LIMIT $chunk)
        """;
}
